"""``dev sync``: write what is derived from the course's sources (stubs, the README's table)."""

from __future__ import annotations

from pathlib import Path

from torchdojo.author import readme, stubs
from torchdojo.course import Course


def sync_stubs(course: Course) -> list[Path]:
    """Rewrite every exercises/<topic>.py that differs from the stub of its solution."""
    written = []
    for topic in course.topics:
        stub = stubs.derive(course.solution(topic).read_text())
        target = course.exercise(topic)
        if not target.exists() or target.read_text() != stub:
            target.write_text(stub)
            written.append(target)
    return written


def sync_course(course: Course) -> list[Path]:
    """Every file rewritten: the stubs, then the README's topic table."""
    written = sync_stubs(course)
    table = readme.sync(course)
    return [*written, table] if table else written
