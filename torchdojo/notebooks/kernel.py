"""``check(topic, name)``: what a notebook's test cell runs, in the learner's kernel.

It grades the answers defined so far with the same engine and the same checks as
``torchdojo grade``: it takes the cell each answer was defined in (the kernel keeps every
cell's text), puts them into a module between the reference's given code, and grades that
module in a sandbox. A topic is graded once per distinct module and seed; every later check
cell of the topic reads the same report.

This verdict is advisory, like any grade computed next to learner code: a notebook can rewrite
how its own cells run. The instructor's grade comes from ``torchdojo nbgrader grade``, which
reads the submitted notebook from outside any kernel.
"""

from __future__ import annotations

import hashlib
import inspect
import linecache
import sys
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from torchdojo import course as course_mod
from torchdojo.course import Course
from torchdojo.notebooks.layout import Layout, layout

_REPORTS: dict[tuple[str, str, int], Any] = {}
_KEEP = 16


class CheckFailed(AssertionError):
    """A check did not pass; nbgrader scores the cell 0 because the cell raised."""


def check(topic: str, name: str, *, seed: int | None = None) -> None:
    """Grade the answers defined so far and report check ``name`` of ``topic``.

    Passes silently apart from one line; raises ``CheckFailed`` with the teaching message
    otherwise. ``seed`` fixes the inputs (a hidden test's); by default this kernel's own seed.
    """
    __tracebackhide__ = True  # noqa: F841 (IPython and pytest hide this frame)
    shape = _layout(topic)
    spec = next((c for c in shape.checks if c.name == name), None)
    if spec is None:
        raise ValueError(f"topic {topic} has no check {name!r}")
    used = _session_seed() if seed is None else seed
    namespace = _namespace()
    report = _graded(shape, shape.module(_defined_answers(shape, namespace)), used)
    topic_result = report.topics[0]
    result = next((c for c in topic_result.checks if c.name == name), None)
    if result is None:  # the grader itself failed; say so instead of blaming the learner
        _fail(f"{name} was not run: {report.fault or topic_result.error}")
    label = "hidden inputs" if seed is not None else f"seed {used}"
    points = f"{result.score:g}/{spec.points} point{'s' if spec.points != 1 else ''}"
    if result.passed:
        print(f"✓ {name}: passed ({points}, {label})")
        return
    print(f"✗ {name}: {result.status} ({points}, {label})")
    for line in [topic_result.error, *result.message.splitlines(), _unrun(shape, namespace)]:
        if line:
            print(f"  {line}")
    _fail(f"{name}: {result.message.splitlines()[0] if result.message else result.status}")


def _unrun(shape: Layout, namespace: dict) -> str:
    missing = [p.names[0] for p in shape.answers if p.names and p.names[0] not in namespace]
    if not missing:
        return ""
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    return f"(not defined in this kernel yet: {shown}; run their answer cells first)"


def _fail(message: str) -> NoReturn:
    raise CheckFailed(message)  # the one frame a failed check cell shows


@cache
def _course() -> Course:
    # The course this torchdojo was installed with (or $TORCHDOJO_COURSE), never one found
    # next to the notebook: a submission folder must not bring its own checks.
    return course_mod.load(course_mod.find_root(start=Path(course_mod.__file__).parent))


@cache
def _layout(topic: str) -> Layout:
    course = _course()
    return layout(course, course.topic(topic))


@cache
def _session_seed() -> int:
    from torchdojo.seeds import new_seed

    return new_seed()


def _namespace() -> dict:
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None  # noqa: N806
    shell = get_ipython() if get_ipython is not None else None
    return shell.user_ns if shell is not None else vars(sys.modules["__main__"])


def _defined_answers(shape: Layout, namespace: dict) -> dict[str, str]:
    """grade_id -> the text of the cell that defined that answer's names, as it ran."""
    found: dict[str, str] = {}
    seen: set[str] = set()
    for part in shape.answers:
        for name in part.names:
            where = _defined_in(namespace.get(name))
            if where is None:
                continue
            if where not in seen:  # two answers written in one cell: take the cell once
                seen.add(where)
                found[part.grade_id] = "".join(linecache.getlines(where))
            else:
                found[part.grade_id] = ""
            break
    return found


def _defined_in(obj: Any) -> str | None:
    """The file (for a notebook: the cell) whose code defined ``obj``."""
    if inspect.isclass(obj):
        members = [getattr(m, "__func__", m) for m in vars(obj).values()]
        members += [m.fget for m in vars(obj).values() if isinstance(m, property)]
        obj = next((m for m in members if inspect.isfunction(m)), None)
    if not inspect.isfunction(obj):
        return None
    filename = inspect.unwrap(obj).__code__.co_filename
    return filename if linecache.getlines(filename) else None


def _graded(shape: Layout, module: str, seed: int) -> Any:
    digest = hashlib.sha256(module.encode()).hexdigest()
    key = (shape.topic.name, digest, seed)
    if key not in _REPORTS:
        if len(_REPORTS) >= _KEEP:
            _REPORTS.clear()
        _REPORTS[key] = _grade(shape, module, seed)
    return _REPORTS[key]


def _grade(shape: Layout, module: str, seed: int) -> Any:
    from torchdojo.engine.grading import grade
    from torchdojo.intake import Submission

    modules = Submission(files={f"{shape.topic.name}.py": module.encode("utf-8")})
    return grade(_course(), [shape.topic.name], submission=modules, seed=seed)
