"""Course-author tools: regenerate stubs, and prove the course is consistent (``dev check``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from torchdojo.author import stubs
from torchdojo.course import Course
from torchdojo.engine import catalog
from torchdojo.engine.report import Status

ALLOWED_EXTRA = {"graders": {"manifest.toml"}}


def sync_stubs(course: Course) -> list[Path]:
    written = []
    for topic in course.topics:
        stub = stubs.derive(course.solution(topic).read_text())
        target = course.exercise(topic)
        if not target.exists() or target.read_text() != stub:
            target.write_text(stub)
            written.append(target)
    return written


def structure_problems(course: Course) -> list[str]:
    """Files, stubs and declarations; everything that needs no grading run."""
    problems: list[str] = []
    names = {t.name for t in course.topics}
    for folder in ("exercises", "solutions", "graders"):
        for path in sorted((course.root / folder).iterdir()):
            if path.name.startswith(("_", ".")) or path.name in ALLOWED_EXTRA.get(folder, ()):
                continue
            if path.suffix != ".py" or path.stem not in names:
                problems.append(f"stray file {folder}/{path.name}")
    for topic in course.topics:
        for path in (course.exercise(topic), course.solution(topic), course.grader(topic)):
            if not path.is_file():
                problems.append(f"{topic.name}: missing {path.relative_to(course.root)}")
        if not course.solution(topic).is_file() or not course.exercise(topic).is_file():
            continue
        try:
            expected = stubs.derive(course.solution(topic).read_text())
        except stubs.StubError as exc:
            problems.append(f"{topic.name}: {exc}")
            continue
        if course.exercise(topic).read_text() != expected:
            problems.append(f"{topic.name}: exercises/{topic.name}.py is not derived from its "
                            "solution (run `torchdojo dev sync`)")
        if course.grader(topic).is_file():
            problems += _declaration_problems(course, topic)
    return problems


def _declaration_problems(course: Course, topic) -> list[str]:
    checks = catalog.checks(course, topic)
    problems = [] if checks else [f"{topic.name}: declares no checks"]
    for c in checks:
        if c.points <= 0:
            problems.append(f"{topic.name}.{c.name}: points must be positive")
        if not c.concept.strip():
            problems.append(f"{topic.name}.{c.name}: names no concept")
        if len(c.hints) < 2 or not all(h.strip() for h in c.hints):
            problems.append(f"{topic.name}.{c.name}: needs at least two non-empty hints")
    return problems


def check_course(course: Course, echo: Callable[[str], None] = print) -> list[str]:
    from torchdojo.engine.grading import grade

    problems = structure_problems(course)
    echo(f"structure: {len(problems)} problem(s)")
    solved = grade(course, submission=course.solutions, seed=0)
    echo(f"solutions: {solved.score:g}/{solved.max_score:g}")
    for check in solved.checks:
        if check.status not in (Status.PASSED, Status.SKIPPED):
            problems.append(f"solution fails {check.name}: {check.message.splitlines()[0]}")
    if solved.fault:
        problems.append(f"grader fault on solutions: {solved.fault}")
    stubbed = grade(course, submission=course.exercises, seed=0)
    echo(f"stubs: {stubbed.score:g}/{stubbed.max_score:g}")
    for check in stubbed.checks:
        if check.status not in (Status.NOT_ATTEMPTED, Status.SKIPPED):
            problems.append(f"stub of {check.name} is {check.status.value}, not not_attempted")
    return problems
