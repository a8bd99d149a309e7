"""Grade an nbgrader assignment's submitted notebooks with the engine, into the gradebook.

For each student: read every notebook of the assignment as data (never executing it), take
the answer cells by grade_id into one module per topic, grade those modules exactly like
``torchdojo grade`` (sandboxes, comparison out of any kernel; ``workers`` students at once on
the batch pool, see ``students``), write each check's score as the auto score of its test cell
in nbgrader's gradebook, and each check's verdict and lesson into the test cell's output of
the autograded notebook, where ``nbgrader generate_feedback`` shows it (see ``feedback``).
Nothing a notebook does inside a kernel reaches the grading, so tricks that fool ``nbgrader
autograde`` gain nothing here. A missing or unreadable notebook is one line and a zero for
that student; the run goes on.

``strict`` grading (the authoritative path) confines every sandbox as ``torchdojo grade
--strict`` does and keeps the whole course folder (the gradebook database, the released and
source notebooks, every student's submission and feedback) and the gradebook file out of its
sight. A student's scores are written only after every sandbox of that student is gone.
"""

from __future__ import annotations

import contextlib
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from torchdojo.course import Course, CourseError
from torchdojo.engine.report import Report
from torchdojo.intake import Refused, read_file
from torchdojo.notebooks.feedback import NO_AUTOGRADED, write_feedback
from torchdojo.notebooks.layout import Layout, check_id, layout
from torchdojo.notebooks.students import (
    Assignment,
    StudentGrade,
    cell_scores,
    grade_all,
    prepare,
    settle,
)


def grade_assignment(course: Course, course_dir: Path, assignment: str, *,
                     seed: int, students: tuple[str, ...] = (), workers: int = 1,
                     timeout_scale: float = 1.0, strict: bool = False,
                     allow_weaker: tuple[str, ...] = (), private: tuple[Path | str, ...] = (),
                     on_plan: Callable[[Assignment], None] = lambda plan: None,
                     echo: Callable[[StudentGrade], None] = lambda student: None,
                     ) -> list[StudentGrade]:
    """Grade every submission of ``assignment`` and write the scores into the gradebook and
    the lessons into the autograded notebooks; returns the students in name order.

    ``strict`` refuses (``StrictRefused``) before anything is read where a confinement it
    promises is not available here and ``allow_weaker`` does not name it.
    """
    waived: tuple[str, ...] = ()
    if strict:  # refused here, before anything is read
        from torchdojo.engine.strict import require

        waived = require(allow_weaker)
    coursedir = course_directory(course_dir)
    # strict: the course folder and the database (wherever it lives) stay out of sight too
    hidden = (*map(str, private), *_course_paths(coursedir)) if strict else ()
    graded: list[StudentGrade] = []
    with open_gradebook(coursedir) as gradebook, \
            tempfile.TemporaryDirectory(prefix="torchdojo-nbgrader-") as scratch:
        plan = _plan(course, gradebook, assignment)
        on_plan(plan)
        submissions = []
        submitted = Path(coursedir.root) / coursedir.submitted_directory
        for student in _students(coursedir, assignment, students):
            folder = Path(coursedir.format_path(coursedir.submitted_directory, student,
                                                plan.name))
            try:
                submissions.append(prepare(plan, student, folder, Path(scratch), submitted))
            except Exception as exc:  # a bug of ours costs this student, not the run
                _finish(gradebook, coursedir, plan, StudentGrade(student, problem=(
                    f"internal error, nothing written: {type(exc).__name__}: {exc}")),
                    None, seed, echo, graded)

        def done(grade: StudentGrade, report: Report | None) -> None:
            _finish(gradebook, coursedir, plan, grade, report, seed, echo, graded)

        grade_all(course, plan, submissions, seed=seed, workers=workers,
                  timeout_scale=timeout_scale, done=done, strict=strict,
                  allow_weaker=waived, private=hidden)
    return sorted(graded, key=lambda g: g.student)


def _finish(gradebook: Any, coursedir: Any, plan: Assignment, grade: StudentGrade,
            report: Report | None, seed: int, echo: Callable[[StudentGrade], None],
            graded: list[StudentGrade]) -> None:
    """Settle one student's scores; write them and the feedback unless grading failed."""
    if not grade.problem:
        try:
            settle(plan, grade, report)
        except Exception as exc:  # a bug of ours costs this student's run, not the batch
            grade.problem = f"internal error, nothing written: {type(exc).__name__}: {exc}"
    if not grade.problem:
        _write(gradebook, coursedir, plan, grade)
        grade.feedback = write_feedback(coursedir, plan, grade, seed)
    echo(grade)
    graded.append(grade)


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
    lines += [f"  [yellow]![/] {name}: {shown(note)}" for note in student.feedback
              if NO_AUTOGRADED not in note]  # that one is summed up once, at the end
    return lines


def _course_paths(coursedir: Any) -> list[str]:
    """Everything of the nbgrader course a sandbox must not see: the course folder (gradebook,
    source and release notebooks, every student's submission and feedback) and the database."""
    paths = [str(Path(coursedir.root).resolve())]
    url = coursedir.db_url
    if url.startswith("sqlite:///"):
        database = Path(url.removeprefix("sqlite:///")).resolve()
        paths += [str(database), *(f"{database}{suffix}" for suffix in ("-journal", "-wal"))]
    return paths


# ----------------------------------------------------------------------------- nbgrader side


def course_directory(course_dir: Path) -> Any:
    """nbgrader's CourseDirectory for ``course_dir``, configured by its nbgrader_config.py."""
    if not course_dir.is_dir():  # before importing nbgrader (2 s): a usage error is quick
        raise CourseError(f"course folder {course_dir} does not exist")
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

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
        for cell, (score, skipped) in cell_scores(plan, graded).items():
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
