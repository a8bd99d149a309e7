"""Grading students' notebooks: answers extracted as modules, graded in parallel on the batch
pool, scores settled per test cell.

For each student, every notebook of the assignment is read as data (never executed) and its
answer cells, taken by grade_id, become one module per topic in a folder of the student's
own. Those folders are the jobs of ``torchdojo.batch``'s pool, the one grade-batch uses: each
worker imports torch once and grades student after student exactly like ``torchdojo grade``
(a sandbox per topic, values compared in the worker), a worker that dies or overruns costs
only its student (a grader fault: nothing is written for them), and ``workers`` students are
graded at once.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from torchdojo.course import Course
from torchdojo.engine.report import Report, Status, TopicResult
from torchdojo.notebooks import extract
from torchdojo.notebooks.layout import Layout, check_id

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
    feedback: list[str] = field(default_factory=list)  # notes on writing the feedback

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


@dataclass
class Submission:
    """A student's answers as modules, ready to grade."""

    grade: StudentGrade
    modules: Path

    @property
    def topics(self) -> list[str]:
        return [n.topic for n in self.grade.notebooks if not n.problem]


Done = Callable[[StudentGrade, Report | None], None]


def prepare(plan: Assignment, student: str, folder: Path, scratch: Path,
            submitted: Path) -> Submission:
    """Read ``folder`` (the student's notebooks, under ``submitted``, the folder of all
    submissions: no link between the two is followed) into modules under ``scratch``."""
    modules = Path(tempfile.mkdtemp(prefix="student-", dir=scratch))  # ids may be any text
    grade = StudentGrade(student, [_extract(shape, folder / f"{topic}.ipynb", submitted,
                                            modules)
                                   for topic, shape in plan.layouts.items()])
    return Submission(grade, modules)


def grade_all(course: Course, plan: Assignment, submissions: Sequence[Submission], *,
              seed: int, workers: int, timeout_scale: float, done: Done) -> None:
    """Grade every submission on ``workers`` batch workers; ``done`` hears of each as it
    finishes, with its report (None when it had no notebook to grade)."""
    from torchdojo.batch.faults import fault_report
    from torchdojo.batch.grade_all import learner_budget
    from torchdojo.batch.pool import Job, Pool
    from torchdojo.batch.worker import Settings

    jobs = {s.grade.student: s for s in submissions if s.topics}
    for submission in submissions:
        if not submission.topics:
            done(submission.grade, None)
    if not jobs:
        return
    topics = tuple(plan.layouts)
    settings = Settings(root=str(course.root), seed=seed, topics=topics,
                        timeout_scale=timeout_scale)
    pool = Pool(settings, min(workers, len(jobs)), learner_budget(course, timeout_scale, topics),
                lambda why: fault_report(course, seed, False, why, topics))

    def finished(job: Job, report: Report) -> None:
        submission = jobs[job.learner]
        done(submission.grade, _only(report, submission.topics))

    pool.run([Job(name, s.modules) for name, s in jobs.items()], finished)


def _only(report: Report, topics: list[str]) -> Report:
    """The report of the topics whose notebooks could be read (a missing module is no
    answer of the student's: that notebook already scores 0, with its reason)."""
    if report.fault:
        return report
    return replace(report, topics=[t for t in report.topics if t.name in topics])


def settle(plan: Assignment, grade: StudentGrade, report: Report | None) -> None:
    """Attach the report and work out every notebook's score from its test cells."""
    if report is not None:
        grade.report = report
        if report.fault:
            grade.problem = f"grader fault, nothing written: {report.fault}"
        results = {t.name: t for t in report.topics}
        for notebook in grade.notebooks:
            notebook.result = results.get(notebook.topic)
    for notebook in grade.notebooks:
        notebook.max_score = sum(plan.notebooks[notebook.topic].values())
        notebook.score = sum(score for score, _ in cell_scores(plan, notebook).values())


def cell_scores(plan: Assignment, graded: NotebookGrade) -> dict[str, tuple[float, bool]]:
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


def _extract(shape: Layout, path: Path, submitted: Path, modules: Path) -> NotebookGrade:
    """Read one notebook (by ``intake``, as every learner file) and write its answers into
    ``modules`` as the topic's module; the worker reads that back through ``intake`` too."""
    graded = NotebookGrade(shape.topic.name)
    try:
        found = extract.answers(shape, extract.read(path, within=submitted))
    except extract.NotebookError as exc:
        graded.problem = str(exc)
        return graded
    graded.notes = found.notes + _kernel_hooks(found.cells)
    module = shape.module(found.cells)
    (modules / f"{shape.topic.name}.py").write_text(module, encoding="utf-8")
    return graded


def _kernel_hooks(cells: dict[str, Any]) -> list[str]:
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
