"""A real nbgrader course with learners, shared by the round-trip test and the benchmark.

Every step runs the real tools as an instructor would: ``torchdojo nbgrader export``,
``nbgrader generate_assignment``, notebooks submitted under ``submitted/``, ``nbgrader
autograde``, ``torchdojo nbgrader grade`` and ``nbgrader export``. Learners are written as
module folders (``<topic>.py``, like ``exercises/``) and turned into notebooks with
``torchdojo.notebooks.convert``, so each can also be graded as modules with ``torchdojo grade``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT
from tests.corpus import cases
from torchdojo.course import Course
from torchdojo.notebooks.layout import cell_id

# An answer cell that makes every later cell of the kernel swallow its own exceptions, so a
# failing test cell shows no error and nbgrader gives it full marks (grader-attacks F7, NB8).
AST_TRICK = '''
import ast as _ast


class _Swallow(_ast.NodeTransformer):
    def visit_Module(self, node):
        catch_all = _ast.ExceptHandler(type=_ast.Name("BaseException", _ast.Load()), name=None,
                                       body=[_ast.Pass()])
        node.body = [_ast.Try(body=node.body, handlers=[catch_all], orelse=[], finalbody=[])]
        return _ast.fix_missing_locations(node)


try:
    get_ipython().ast_transformers.append(_Swallow())
except NameError:  # not in a kernel: nothing to hook
    pass
'''


@dataclass
class Learner:
    name: str
    modules: Path  # <topic>.py per topic: what the notebooks hold, graded as modules
    kind: str = "modules"  # "modules", "untouched" (released as is) or "trick"


@dataclass
class CourseRun:
    root: Path
    course: Course
    topics: list[str]
    learners: list[Learner] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def run(*args: str, cwd: Path, timeout: int = 1800) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("TORCHDOJO_COURSE", None)
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


def checked(*args: str, cwd: Path, timeout: int = 1800) -> subprocess.CompletedProcess:
    done = run(*args, cwd=cwd, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def timed(state: CourseRun, label: str, *args: str) -> subprocess.CompletedProcess:
    started = time.perf_counter()
    done = checked(*args, cwd=state.root)
    state.seconds[label] = state.seconds.get(label, 0.0) + time.perf_counter() - started
    return done


def new_course(root: Path, course: Course, topics: list[str] | None = None) -> CourseRun:
    """Export the topics (default: every topic) and generate one assignment per topic."""
    state = CourseRun(root, course, [t.name for t in course.select(topics or [])])
    root.mkdir(parents=True, exist_ok=True)
    checked("torchdojo", "nbgrader", "export", str(root), *state.topics, cwd=ROOT)
    for topic in state.topics:
        checked("nbgrader", "generate_assignment", topic, "--force", cwd=root)
    return state


def module_learners(state: CourseRun, scratch: Path, wrong: int = 2) -> None:
    """The reference, ``wrong`` learners with one corpus mistake per topic each, untouched."""
    course = state.course
    add_folder(state, "reference", course.solutions)
    add_folder(state, "untouched", course.exercises, kind="untouched")
    for k in range(wrong):
        folder = scratch / f"wrong_{k + 1}"
        folder.mkdir(parents=True)
        for topic in state.topics:
            mistakes = cases("wrong", topic)
            source = (mistakes[(k * 3) % len(mistakes)].source() if mistakes
                      else course.exercise(course.topic(topic)).read_text())
            (folder / f"{topic}.py").write_text(source)
        add_folder(state, f"wrong_{k + 1}", folder)


def add_folder(state: CourseRun, name: str, folder: Path, kind: str = "modules") -> Learner:
    from torchdojo.notebooks.convert import submit_modules

    learner = Learner(name, folder, kind)
    for topic in state.topics:
        if kind == "untouched":
            target = state.root / "submitted" / name / topic
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(state.root / "release" / topic / f"{topic}.ipynb", target)
        else:
            submit_modules(state.course, state.root, topic, name, folder)
    state.learners.append(learner)
    return learner


def add_trick(state: CourseRun, name: str = "trick") -> Learner:
    """Untouched answers, plus the AST trick in the first answer cell of every notebook."""
    import nbformat

    from torchdojo.notebooks.convert import notebook_from_module
    from torchdojo.notebooks.layout import layout

    course = state.course
    folder = state.root.parent / f"{name}_modules"
    folder.mkdir(exist_ok=True)
    for topic in state.topics:
        shape = layout(course, course.topic(topic))
        first = shape.answers[0]
        # The trick lives in the first answer cell; every answer stays a stub.
        stub_module = course.exercise(course.topic(topic)).read_text()
        source = stub_module.replace(first.stub.rstrip("\n"),
                                     first.stub.rstrip("\n") + "\n" + AST_TRICK, 1)
        assert AST_TRICK in source, topic
        (folder / f"{topic}.py").write_text(source)
        released = nbformat.read(state.root / "release" / topic / f"{topic}.ipynb", 4)
        notebook = notebook_from_module(released, shape, source)
        target = state.root / "submitted" / name / topic
        target.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, str(target / f"{topic}.ipynb"))
    learner = Learner(name, folder, "trick")
    state.learners.append(learner)
    return learner


def autograde(state: CourseRun) -> None:
    for topic in state.topics:
        timed(state, "nbgrader autograde", "nbgrader", "autograde", topic, "--force")


def torchdojo_grade(state: CourseRun, seed: int) -> list[subprocess.CompletedProcess]:
    return [timed(state, "torchdojo nbgrader grade", "torchdojo", "nbgrader", "grade",
                  str(state.root), topic, "--seed", str(seed))
            for topic in state.topics]


def gradebook(state: CourseRun) -> dict[str, dict[str, dict[str, float | None]]]:
    """student -> topic -> test cell -> auto score, read through nbgrader's Gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    scores: dict = {}
    with Gradebook(f"sqlite:///{state.root / 'gradebook.db'}") as book:
        for student in book.students:
            for topic in state.topics:
                try:
                    notebook = book.find_submission_notebook(topic, topic, student.id)
                except MissingEntry:
                    continue
                scores.setdefault(student.id, {})[topic] = {
                    g.name: g.auto_score for g in notebook.grades}
    return scores


def flagged(state: CourseRun) -> set[tuple[str, str]]:
    """(student, topic) of the submitted notebooks flagged in the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{state.root / 'gradebook.db'}") as book:
        return {(student.id, topic) for student in book.students for topic in state.topics
                for submission in book.student_submissions(student.id)
                for notebook in submission.notebooks
                if notebook.name == topic and notebook.flagged}


def module_scores(learner: Learner, topics: list[str], seed: int) -> dict[str, dict[str, float]]:
    """topic -> test cell -> score that `torchdojo grade` gives the learner's modules."""
    done = run("torchdojo", "grade", *topics, "--submission", str(learner.modules),
               "--seed", str(seed), "--format", "json", cwd=ROOT)
    report = json.loads(done.stdout)
    assert report["fault"] is None, report["fault"]
    return {t["name"]: {cell_id(f"check_{c['name']}"): c["score"] for c in t["checks"]}
            for t in report["topics"]}


def exported_grades(state: CourseRun) -> dict[tuple[str, str], dict[str, str]]:
    """(assignment, student) -> row of the CSV that `nbgrader export` writes."""
    checked("nbgrader", "export", cwd=state.root)
    with open(state.root / "grades.csv", newline="") as handle:
        return {(row["assignment"], row["student_id"]): row for row in csv.DictReader(handle)}
