"""A real nbgrader course with learners, shared by the round-trip test and the benchmark.

Every step runs the real tools as an instructor would: ``torchdojo nbgrader export``,
``nbgrader generate_assignment``, notebooks submitted under ``submitted/``, ``nbgrader
autograde``, ``torchdojo nbgrader grade`` and ``nbgrader export``. Learners are written as
module folders (``<topic>.py``, like ``exercises/``) and turned into notebooks with
``torchdojo.notebooks.convert``, so each can also be graded as modules with ``torchdojo grade``.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def add_trick(state: CourseRun, name: str = "trick", code: str = AST_TRICK,
              base: Path | None = None, tamper: Callable[[Any], None] | None = None,
              ) -> Learner:
    """A learner whose answers are ``base``'s modules (default: the stubs) with ``code`` after
    the first answer, and whose notebooks ``tamper`` may then change as a learner could."""
    import nbformat

    from torchdojo.notebooks.convert import notebook_from_module
    from torchdojo.notebooks.layout import layout

    course = state.course
    folder = state.root.parent / f"{name}_modules"
    folder.mkdir(exist_ok=True)
    for topic in state.topics:
        shape = layout(course, course.topic(topic))
        source = _with_code(course, topic, shape, code, base)
        (folder / f"{topic}.py").write_text(source)
        released = nbformat.read(state.root / "release" / topic / f"{topic}.ipynb", 4)
        notebook = notebook_from_module(released, shape, source)
        if tamper is not None:
            tamper(notebook)
        target = state.root / "submitted" / name / topic
        target.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, str(target / f"{topic}.ipynb"))
    learner = Learner(name, folder, "trick")
    state.learners.append(learner)
    return learner


def _with_code(course: Course, topic: str, shape: Any, code: str, base: Path | None) -> str:
    if base is not None:
        return (base / f"{topic}.py").read_text() + "\n" + code
    stub = course.exercise(course.topic(topic)).read_text()
    first = shape.answers[0].stub.rstrip("\n")
    source = stub.replace(first, first + "\n" + code, 1)
    assert code in source, topic
    return source


# More of what a notebook can do to its own kernel or cells (grader-attacks F1-F7, NB1-NB10).
PATCHED_HELPERS = """
import numpy as _np
import torchdojo.notebooks as _notebooks

_notebooks.check = lambda *args, **kwargs: None
_np.testing.assert_allclose = lambda *args, **kwargs: None
"""
INPUT_TRICK = """
try:
    get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])
except NameError:
    pass
"""
EXCEPTION_TRICK = """
try:
    get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)
except NameError:
    pass
"""


def always_equal(shape: Any) -> str:
    """Every answer replaced by one that returns an object equal to anything."""
    lines = ["class _AlwaysEqual:",
             "    def __eq__(self, other):", "        return True",
             "    __hash__ = None", ""]
    lines += [f"def {name}(*args, **kwargs):\n    return _AlwaysEqual()\n"
              for part in shape.answers for name in part.names[:1]]
    return "\n".join(lines)


def tamper_with_test_cells(notebook: Any) -> None:
    """Test cells edited to pass and worth 100, one turned to markdown, one deleted, one
    stripped of its metadata, an answer duplicated (F1-F5, NB1-NB5)."""
    tests = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
    for cell in tests:
        cell.source = "pass"
        cell.metadata.nbgrader["points"] = 100
    tests[0].cell_type = "markdown"
    tests[1].metadata["nbgrader"] = {}
    notebook.cells.remove(tests[2])
    answer = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
    duplicate = copy.deepcopy(answer)
    duplicate.id = f"{answer.id}-copy"  # same grade_id, as a copy-paste in Jupyter leaves it
    notebook.cells.insert(0, duplicate)


def add_notebook_attacks(state: CourseRun, wrong: Path) -> list[Learner]:
    """Learners that try the other kernel and cell tricks; graded by torchdojo only."""
    from torchdojo.notebooks.layout import layout

    learners = [add_trick(state, "nb_patched_helpers", PATCHED_HELPERS),
                add_trick(state, "nb_input_transformer", INPUT_TRICK),
                add_trick(state, "nb_custom_exc", EXCEPTION_TRICK),
                add_trick(state, "nb_tampered_cells", "", base=wrong,
                          tamper=tamper_with_test_cells)]
    for topic in state.topics:  # one module per topic, each with its own answers
        code = always_equal(layout(state.course, state.course.topic(topic)))
        folder = state.root.parent / "nb_always_equal_modules"
        folder.mkdir(exist_ok=True)
        (folder / f"{topic}.py").write_text(
            state.course.exercise(state.course.topic(topic)).read_text() + "\n" + code)
    learners.append(add_folder(state, "nb_always_equal",
                               state.root.parent / "nb_always_equal_modules"))
    return learners


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
    return {t["name"]: {cell_id(f"check_{c['name']}"): c["score"] for c in t["checks"]
                        if c["status"] != "skipped"}  # notebooks carry no GPU tier
            for t in report["topics"]}


def exported_grades(state: CourseRun) -> dict[tuple[str, str], dict[str, str]]:
    """(assignment, student) -> row of the CSV that `nbgrader export` writes."""
    checked("nbgrader", "export", cwd=state.root)
    with open(state.root / "grades.csv", newline="") as handle:
        return {(row["assignment"], row["student_id"]): row for row in csv.DictReader(handle)}
