"""Grade submissions through every path where learner files arrive, and read back what each
path wrote, so one attack case is checked on all of them without code of its own per path.

The paths: ``local`` (``grade``), ``strict`` (``grade --strict``), ``batch`` (``grade_batch``
with one worker), ``gradescope`` (the runner, ``torchdojo.ci.autograder``, on a temporary
root) and ``nbgrader`` (``torchdojo nbgrader grade`` on a generated course: the modules become
notebooks). Each path grades all its learners in one go where that is how it works (a batch,
an nbgrader assignment), and each learner's result is an ``Outcome``: scores, check verdicts,
the fault if any, and every document the path wrote, as text.

A learner is a folder of files plus *tricks* on the file system, applied after the files are
written, to whatever the path reads as the learner's file: ``<topic>.py`` on module paths,
``<topic>.ipynb`` under nbgrader. Tricks: ``link FILE TARGET`` (TARGET ``solution`` is the
course's solution of that file's topic: the solution module, or for nbgrader the source
notebook), ``link exercises solutions`` (the folder of modules, or nbgrader's assignment
folder, is a link to the course's solutions), ``fifo FILE`` and ``large FILE``.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from tests.conftest import ROOT, copy_course
from torchdojo import intake
from torchdojo.course import Course
from torchdojo.engine.report import Report

PATHS = ("local", "strict", "batch", "gradescope", "nbgrader")
MODULE_PATHS = PATHS[:4]
ASSIGNMENT = "pair"  # the nbgrader assignment that holds a learner's topics


@dataclass
class Learner:
    name: str
    topics: tuple[str, ...]
    files: dict[str, str] = field(default_factory=dict)  # file name -> text
    tricks: list[str] = field(default_factory=list)
    folder: str = ""  # a subfolder of the learner's own holding the files (a checkout)


@dataclass
class Outcome:
    path: str
    checks: dict[str, dict]  # "topic.check" -> {"status", "score", "message"}
    scores: dict[str, float]  # topic -> score
    maxima: dict[str, float]
    fault: str | None
    documents: dict[str, str]  # what the path wrote, by name: "json", "junit", "results.json"
    errors: dict[str, str] = field(default_factory=dict)  # topic -> its one-line error

    def messages(self, topic: str) -> str:
        texts = [c["message"] for name, c in self.checks.items() if name.startswith(f"{topic}.")]
        return "\n".join([*texts, self.errors.get(topic, "")])


class Paths:
    """Grades learners on each path; folders live under ``base``."""

    def __init__(self, course: Course, base: Path, *, seed: int, scale: float) -> None:
        self.course = course
        self.base = base
        self.seed = seed
        self.scale = scale
        self._courses: dict[tuple[str, ...], Path] = {}

    def grade(self, path: str, learners: list[Learner]) -> dict[str, Outcome]:
        return getattr(self, f"_{path}")(learners)

    # -- local and strict: grade() in this process, then every format rendered

    def _local(self, learners: list[Learner], strict: bool = False) -> dict[str, Outcome]:
        from torchdojo.engine.grading import grade

        found = {}
        for learner in learners:
            folder = self._write(self.base / ("strict" if strict else "local"), learner,
                                 folder=_safe_name(learner.name))
            report = grade(self.course, list(learner.topics), submission=folder,
                           seed=self.seed, strict=strict, timeout_scale=self.scale)
            found[learner.name] = _from_report(learner, "strict" if strict else "local",
                                               report, _rendered(report))
        return found

    def _strict(self, learners: list[Learner]) -> dict[str, Outcome]:
        return self._local(learners, strict=True)

    # -- batch: every learner in one grade_batch over all their topics, one worker

    def _batch(self, learners: list[Learner]) -> dict[str, Outcome]:
        from torchdojo.batch.grade_all import grade_batch

        submissions, out = self.base / "batch" / "submissions", self.base / "batch" / "grades"
        for learner in learners:
            self._write(submissions, learner)
        grade_batch(self.course, submissions, out, workers=1, topics=_union(learners),
                    seed=self.seed, timeout_scale=self.scale)
        book = (out / "gradebook.csv").read_text(encoding="utf-8")
        found = {}
        for learner in learners:
            text = (out / "reports" / f"{learner.name}.json").read_text(encoding="utf-8")
            found[learner.name] = _from_json(learner, "batch", text,
                                             {"report.json": text, "gradebook.csv": book})
        return found

    # -- gradescope: the runner on a root of its own per learner, over the learner's topics

    def _gradescope(self, learners: list[Learner]) -> dict[str, Outcome]:
        from torchdojo.ci import autograder

        found = {}
        for learner in learners:
            root = self.base / "gradescope" / _safe_name(learner.name)
            self._write(root, learner, folder="submission")
            with mock.patch.dict(os.environ, TORCHDOJO_COURSE=str(self._course_of(learner.topics))):
                autograder.run(root, timeout_scale=self.scale)
            text = (root / "results" / "results.json").read_text(encoding="utf-8")
            found[learner.name] = _from_gradescope(learner, text)
        return found

    def _course_of(self, topics: tuple[str, ...]) -> Path:
        """A course of these topics only, as an instructor would bundle it."""
        if topics not in self._courses:
            folder = self.base / "courses" / "-".join(topics)
            folder.mkdir(parents=True)
            self._courses[topics] = copy_course(folder, topics)
        return self._courses[topics]

    # -- nbgrader: modules become notebooks of one assignment that holds every learner's
    # topics; one grade_assignment grades every learner

    def _nbgrader(self, learners: list[Learner]) -> dict[str, Outcome]:
        from torchdojo.notebooks.autograde import grade_assignment, report_data

        course_dir = self._nbcourse(_union(learners))
        for learner in learners:
            self._submit_notebooks(course_dir, learner)
        graded = grade_assignment(self.course, course_dir, ASSIGNMENT, seed=self.seed,
                                  timeout_scale=self.scale,
                                  students=tuple(learner.name for learner in learners))
        by_name = {g.student: g for g in graded}
        return {learner.name: _from_student(learner, by_name[learner.name],
                                            report_data(by_name[learner.name]))
                for learner in learners}

    def _nbcourse(self, topics: tuple[str, ...]) -> Path:
        """An nbgrader course whose one assignment holds a notebook per topic."""
        from tests import nbcourse
        from torchdojo.notebooks.source_course import export

        root = self.base / "nbgrader" / "-".join(topics)
        if root.exists():
            return root
        export(self.course, root, self.course.select(topics))
        pair = root / "source" / ASSIGNMENT
        pair.mkdir()
        for topic in topics:
            shutil.move(root / "source" / topic / f"{topic}.ipynb", pair)
        nbcourse.checked("nbgrader", "generate_assignment", ASSIGNMENT, "--force", cwd=root)
        return root

    def _submit_notebooks(self, course_dir: Path, learner: Learner) -> None:
        import nbformat

        from torchdojo.notebooks.convert import notebook_from_module
        from torchdojo.notebooks.layout import layout

        target = course_dir / "submitted" / learner.name / ASSIGNMENT
        target.mkdir(parents=True)
        for topic in learner.topics:
            source = learner.files.get(f"{topic}.py")
            if source is None:
                continue
            released = nbformat.read(course_dir / "release" / ASSIGNMENT / f"{topic}.ipynb", 4)
            notebook = notebook_from_module(released, layout(self.course,
                                                             self.course.topic(topic)), source)
            nbformat.write(notebook, str(target / f"{topic}.ipynb"))
        for trick in learner.tricks:
            _apply(trick, target, notebook=True,
                   solution=lambda t: course_dir / "source" / ASSIGNMENT / f"{t}.ipynb",
                   solutions=course_dir / "source" / ASSIGNMENT)

    # -- learners' folders

    def _write(self, parent: Path, learner: Learner, folder: str | None = None) -> Path:
        top = parent / (folder or learner.name)
        where = top / learner.folder if learner.folder else top
        where.mkdir(parents=True)
        for name, text in learner.files.items():
            (where / name).write_text(text, encoding="utf-8")
        for trick in learner.tricks:
            _apply(trick, where, notebook=False,
                   solution=lambda t: self.course.solution(self.course.topic(t)),
                   solutions=self.course.solutions)
        return top


# ----------------------------------------------------------------------------- tricks


def _apply(trick: str, folder: Path, *, notebook: bool, solution, solutions: Path) -> None:
    kind, name, *rest = trick.split()
    if name == "exercises":  # the learner's folder of modules (an assignment's) is a link
        target = folder if notebook else folder / "exercises"
        if target.exists():
            shutil.rmtree(target)
        target.symlink_to(solutions, target_is_directory=True)
        return
    if notebook and name.endswith(".py"):
        name = name[:-3] + ".ipynb"
    path = folder / name
    path.unlink(missing_ok=True)
    if kind == "link":
        target = rest[0]
        path.symlink_to(solution(Path(name).stem) if target == "solution" else Path(target))
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "large":
        with open(path, "wb") as handle:  # sparse: no disk is used
            handle.truncate((intake.NOTEBOOK_LIMIT if notebook else intake.FILE_LIMIT) + 1)
    else:
        raise ValueError(f"unknown trick {trick!r}")


def applies(trick: str, path: str) -> bool:
    """Helper modules exist on module paths only; a notebook holds answers."""
    name = trick.split()[1]
    return path != "nbgrader" or name == "exercises" or _is_topic_file(name)


def _is_topic_file(name: str) -> bool:
    from tests.conftest import ROOT as root
    from torchdojo import course as course_mod

    return name.removesuffix(".py") in {t.name for t in course_mod.load(root).topics}


# ----------------------------------------------------------------------------- outcomes


def _rendered(report: Report) -> dict[str, str]:
    from rich.console import Console

    from torchdojo.reporters import renderer
    from torchdojo.reporters import text as text_reporter

    documents = {fmt: renderer(fmt)(report) for fmt in ("json", "junit", "gradescope",
                                                         "exercism")}
    console = Console(file=io.StringIO(), width=100, force_terminal=True, color_system="standard")
    text_reporter.render(report, console)
    documents["text"] = console.file.getvalue()
    return documents


def _from_report(learner: Learner, path: str, report: Report, documents: dict) -> Outcome:
    return _from_json(learner, path, json.dumps(report.to_dict()), documents)


def _from_json(learner: Learner, path: str, text: str, documents: dict) -> Outcome:
    data = json.loads(text)
    return Outcome(
        path=path,
        checks={f"{t['name']}.{c['name']}": {k: c[k] for k in ("status", "score", "message")}
                for t in data["topics"] for c in t["checks"]},
        scores={t["name"]: t["score"] for t in data["topics"]},
        maxima={t["name"]: t["max_score"] for t in data["topics"]},
        fault=data["fault"], documents=documents,
        errors={t["name"]: t["error"] or "" for t in data["topics"]})


def _from_gradescope(learner: Learner, text: str) -> Outcome:
    data = json.loads(text)
    checks, scores, maxima = {}, dict.fromkeys(learner.topics, 0.0), dict.fromkeys(learner.topics,
                                                                                    0.0)
    fault = None
    for test in data["tests"]:
        if "extra_data" not in test:  # "Autograder failed": no scores at all
            fault = test.get("output", "")
            continue
        topic = test["name"].split(".")[0]
        checks[test["name"]] = {"status": test["extra_data"]["status"], "score": test["score"],
                                "message": test["output"]}
        scores[topic] += test["score"]
        maxima[topic] += test["max_score"]
    return Outcome("gradescope", checks, scores, maxima, fault, {"results.json": text},
                   errors={t: data.get("output", "") for t in learner.topics})


def _from_student(learner: Learner, student, data: dict) -> Outcome:
    from rich.console import Console

    from torchdojo.notebooks.autograde import student_lines
    from torchdojo.reporters.json import dumps

    console = Console(file=io.StringIO(), width=100, force_terminal=True, color_system="standard")
    for line in student_lines(student):
        console.print(line)
    checks, scores, maxima, errors = {}, {}, {}, {}
    for notebook in student.notebooks:
        if notebook.topic not in learner.topics:
            continue
        scores[notebook.topic], maxima[notebook.topic] = notebook.score, notebook.max_score
        errors[notebook.topic] = notebook.problem
        if notebook.result is not None:
            errors[notebook.topic] = notebook.problem or notebook.result.error
            for check in notebook.result.checks:
                checks[f"{notebook.topic}.{check.name}"] = {
                    "status": check.status.value, "score": check.score,
                    "message": check.message}
    return Outcome("nbgrader", checks, scores, maxima, student.problem or None,
                   {"report.json": dumps(data), "console": console.file.getvalue()}, errors)


# ----------------------------------------------------------------------------- small helpers


def _union(learners: list[Learner]) -> tuple[str, ...]:
    """Every learner's topics, in course order."""
    from torchdojo import course as course_mod

    wanted = {t for learner in learners for t in learner.topics}
    return tuple(t.name for t in course_mod.load(ROOT).topics if t.name in wanted)


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


__all__ = ["MODULE_PATHS", "PATHS", "ROOT", "Learner", "Outcome", "Paths", "applies"]
