"""Grade an nbgrader assignment's submitted notebooks with the engine, into the gradebook.

For each student: read every notebook of the assignment as data (never executing it), take
the answer cells by grade_id into one module per topic, grade those modules exactly like
``torchdojo grade`` (sandboxes, comparison in this process), and write each check's score as
the auto score of its test cell in nbgrader's gradebook. Nothing a notebook does inside a
kernel reaches this process, so tricks that fool ``nbgrader autograde`` gain nothing here.
A missing or unreadable notebook is one line and a zero for that student; the run goes on.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torchdojo.course import Course, CourseError
from torchdojo.engine.report import Report, Status, TopicResult
from torchdojo.intake import Refused, Submission, read_file
from torchdojo.notebooks import extract
from torchdojo.notebooks.layout import Layout, check_id, layout

# Words an answer has no reason to contain: it hooks the kernel, or patches the test helpers.
KERNEL_HOOKS = ("get_ipython", "ast_transformers", "input_transformers", "set_custom_exc",
                "showtraceback", "InteractiveShell", "run_cell", "torchdojo")


@dataclass
class NotebookGrade:
    topic: str
    score: float = 0.0
    max_score: float = 0.0
    problem: str = ""  # why it was not graded (missing, unreadable); then it scores 0
    notes: list[str] = field(default_factory=list)
    result: TopicResult | None = None


@dataclass
class StudentGrade:
    student: str
    notebooks: list[NotebookGrade] = field(default_factory=list)
    report: Report | None = None
    problem: str = ""  # the student could not be graded at all (a grader fault)

    @property
    def score(self) -> float:
        return sum(n.score for n in self.notebooks)

    @property
    def max_score(self) -> float:
        return sum(n.max_score for n in self.notebooks)


@dataclass
class Assignment:
    name: str
    notebooks: dict[str, dict[str, float]]  # notebook -> {grade cell: max score} (the DB's)
    layouts: dict[str, Layout]  # the notebooks that are torchdojo topics
    skipped: list[str]  # notebooks that are not topics: left to nbgrader
    drift: list[str] = field(default_factory=list)  # the gradebook and the checks disagree


def grade_assignment(course: Course, course_dir: Path, assignment: str, *,
                     seed: int, students: tuple[str, ...] = (), timeout_scale: float = 1.0,
                     on_plan: Callable[[Assignment], None] = lambda plan: None,
                     echo: Callable[[StudentGrade], None] = lambda student: None,
                     ) -> list[StudentGrade]:
    """Grade every submission of ``assignment`` and write the scores into the gradebook."""
    coursedir = course_directory(course_dir)
    graded = []
    with open_gradebook(coursedir) as gradebook:
        plan = _plan(course, gradebook, assignment)
        on_plan(plan)
        for student in _students(coursedir, assignment, students):
            try:
                outcome = _grade_student(course, coursedir, plan, student, seed, timeout_scale)
            except Exception as exc:  # a bug of ours costs this student's run, not the batch
                outcome = StudentGrade(student, problem=f"internal error, nothing written: "
                                                        f"{type(exc).__name__}: {exc}")
            if not outcome.problem:
                _write(gradebook, coursedir, plan, outcome)
            echo(outcome)
            graded.append(outcome)
    return graded


def report_data(student: StudentGrade) -> dict:
    """One student's JSON report (``--reports``): the engine's report, with what the
    notebooks added (their scores as written, problems and notes)."""
    data = student.report.to_dict() if student.report is not None else {}
    data["student"] = student.student
    data["problem"] = student.problem or None
    data["notebooks"] = [{"topic": n.topic, "score": n.score, "max_score": n.max_score,
                          "problem": n.problem or None, "notes": n.notes}
                         for n in student.notebooks]
    return data


def student_lines(student: StudentGrade) -> list[str]:
    """What ``nbgrader grade`` says about one student, as rich markup. Student ids are folder
    names and problems quote them: that text is made safe and escaped, so it shows as is."""
    from rich.markup import escape

    from torchdojo.engine.sanitize import text

    def shown(value: str) -> str:
        return escape(text(value))

    name = shown(student.student)
    if student.problem:
        return [f"[red]✗[/] {name}: {shown(student.problem)}"]
    scores = "  ".join(f"{n.topic} {n.score:g}/{n.max_score:g}" for n in student.notebooks)
    lines = [f"{name}: {student.score:g}/{student.max_score:g}  ({scores})"]
    for notebook in student.notebooks:
        if notebook.problem:
            lines.append(f"  [red]✗[/] {name}: {shown(notebook.problem)}; {notebook.topic} "
                         "scores 0")
        lines += [f"  [yellow]![/] {name}: {notebook.topic}: {shown(note)}"
                  for note in notebook.notes]
    return lines


# ----------------------------------------------------------------------------- nbgrader side


def course_directory(course_dir: Path) -> Any:
    """nbgrader's CourseDirectory for ``course_dir``, configured by its nbgrader_config.py."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    if not course_dir.is_dir():
        raise CourseError(f"course folder {course_dir} does not exist")
    config = Config()
    with contextlib.suppress(ConfigFileNotFound):
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    coursedir = CourseDirectory(config=config)
    coursedir.root = str(course_dir.resolve())  # the folder named, whatever the working dir
    return coursedir


@contextlib.contextmanager
def open_gradebook(coursedir: Any) -> Iterator[Any]:
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    url = coursedir.db_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise CourseError(f"no gradebook at {url.removeprefix('sqlite:///')}: run "
                          "`nbgrader generate_assignment` for the assignment first")
    with warnings.catch_warnings(), Gradebook(url, coursedir.course_id) as gradebook:
        # nbgrader's own autoflush on SQLAlchemy 2 warns when it creates a submission; the
        # submission is written all the same, and the warning means nothing to an instructor.
        warnings.simplefilter("ignore", SAWarning)
        yield gradebook


def _plan(course: Course, gradebook: Any, name: str) -> Assignment:
    from nbgrader.api import MissingEntry

    try:
        found = gradebook.find_assignment(name)
    except MissingEntry:
        raise CourseError(f"assignment {name!r} is not in the gradebook: run "
                          f"`nbgrader generate_assignment {name}` first") from None
    notebooks = {nb.name: {cell.name: cell.max_score for cell in nb.grade_cells}
                 for nb in found.notebooks}
    known = {t.name: t for t in course.topics}
    layouts = {n: layout(course, known[n]) for n in notebooks if n in known}
    skipped = sorted(set(notebooks) - set(layouts))
    if not layouts:
        raise CourseError(f"assignment {name!r} has no torchdojo notebook (topics: "
                          f"{', '.join(known)})")
    drift = [line for topic, shape in layouts.items()
             for line in _drift(shape, notebooks[topic])]
    return Assignment(name, notebooks, layouts, skipped, drift)


def _drift(shape: Layout, cells: dict[str, float]) -> list[str]:
    """What changed between the generated assignment and the checks now: regenerate it."""
    topic, lines = shape.topic.name, []
    for spec in shape.checks:
        points = cells.get(check_id(spec))
        if points is None:
            lines.append(f"{topic}: check {spec.name} has no test cell in the gradebook; "
                         "it is not scored")
        elif points != spec.points:
            lines.append(f"{topic}: check {spec.name} is worth {spec.points} but its test "
                         f"cell {points:g}")
    current = {check_id(c) for c in shape.checks}
    lines += [f"{topic}: test cell {cell} is no check any more; it scores 0"
              for cell in cells if cell not in current]
    return lines


def _students(coursedir: Any, assignment: str, only: tuple[str, ...]) -> list[str]:
    submitted = Path(coursedir.root) / coursedir.submitted_directory
    found = sorted(p.name for p in submitted.glob("*")
                   if Path(coursedir.format_path(coursedir.submitted_directory, p.name,
                                                 assignment)).is_dir())
    return [s for s in found if not only or s in only]


def _write(gradebook: Any, coursedir: Any, plan: Assignment, outcome: StudentGrade) -> None:
    """Each test cell's auto score; like nbgrader's SaveAutoGrades, a manual score wins."""
    gradebook.update_or_create_student(outcome.student)
    stamp = _timestamp(coursedir, outcome.student, plan.name)
    extra = {"timestamp": stamp} if stamp else {}
    gradebook.update_or_create_submission(plan.name, outcome.student, **extra)
    for graded in outcome.notebooks:
        for cell, (score, skipped) in _cell_scores(plan, graded).items():
            grade = gradebook.find_grade(cell, graded.topic, plan.name, outcome.student)
            grade.auto_score = score
            grade.needs_manual_grade = grade.manual_score is not None or skipped
        notebook = gradebook.find_submission_notebook(graded.topic, plan.name, outcome.student)
        notebook.flagged = bool(graded.notes or graded.problem) or notebook.flagged
    gradebook.db.commit()


def _timestamp(coursedir: Any, student: str, assignment: str) -> Any:
    """The submission's timestamp.txt, read like every learner file (``intake``); None when
    it is missing or malformed: it is the submitter's file, so grading goes on without it."""
    from nbgrader.utils import parse_utc

    submitted = Path(coursedir.root) / coursedir.submitted_directory
    path = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
    try:
        text = read_file(path / "timestamp.txt", limit=1024, within=submitted).decode()
        return parse_utc(text.strip()) if text.strip() else None
    except (Refused, ValueError, OverflowError):
        return None


def _cell_scores(plan: Assignment, graded: NotebookGrade) -> dict[str, tuple[float, bool]]:
    """Every test cell of the notebook in the gradebook -> (score, skipped). A check's score
    is capped at its cell's points; a cell no check answers, or nothing graded, scores 0."""
    results = {c.name: c for c in graded.result.checks} if graded.result else {}
    by_cell = {check_id(spec): results.get(spec.name)
               for spec in plan.layouts[graded.topic].checks}
    scores = {}
    for cell, points in plan.notebooks[graded.topic].items():
        result = by_cell.get(cell)
        scores[cell] = ((min(result.score, points), result.status is Status.SKIPPED)
                        if result is not None else (0.0, False))
    return scores


# ----------------------------------------------------------------------------- grading


def _grade_student(course: Course, coursedir: Any, plan: Assignment, student: str,
                   seed: int, timeout_scale: float) -> StudentGrade:
    from torchdojo.engine.grading import grade

    outcome = StudentGrade(student)
    submitted = Path(coursedir.root) / coursedir.submitted_directory
    folder = Path(coursedir.format_path(coursedir.submitted_directory, student, plan.name))
    modules = Submission()
    for topic, shape in plan.layouts.items():
        outcome.notebooks.append(_extract(shape, folder / f"{topic}.ipynb", submitted, modules))
    topics = [n.topic for n in outcome.notebooks if not n.problem]
    if topics:
        report = grade(course, topics, submission=modules, seed=seed,
                       timeout_scale=timeout_scale)
        if report.fault:
            outcome.problem = f"grader fault, nothing written: {report.fault}"
        outcome.report = report
        results = {t.name: t for t in report.topics}
        for graded in outcome.notebooks:
            graded.result = results.get(graded.topic)
    for graded in outcome.notebooks:
        graded.max_score = sum(plan.notebooks[graded.topic].values())
        graded.score = sum(score for score, _ in _cell_scores(plan, graded).values())
    return outcome


def _extract(shape: Layout, path: Path, submitted: Path, modules: Submission) -> NotebookGrade:
    """Read one notebook (nothing between ``submitted`` and it may be a link) and add its
    answers to ``modules`` as the topic's module."""
    graded = NotebookGrade(shape.topic.name)
    try:
        found = extract.answers(shape, extract.read(path, within=submitted))
    except extract.NotebookError as exc:
        graded.problem = str(exc)
        return graded
    graded.notes = found.notes + _kernel_hooks(found.cells)
    modules.files[f"{shape.topic.name}.py"] = shape.module(found.cells).encode("utf-8")
    return graded


def _kernel_hooks(cells: dict[str, str]) -> list[str]:
    """Answers that reach into the notebook kernel: harmless here, but an instructor reading
    nbgrader's own autograde results should know those cannot be trusted."""
    notes = []
    for grade_id, text in cells.items():
        used = [hook for hook in KERNEL_HOOKS if hook in text]
        if used:
            notes.append(f"answer cell {grade_id} reaches into the notebook kernel "
                         f"({', '.join(used)}); in-kernel results of this notebook are not "
                         "to be trusted")
    return notes
