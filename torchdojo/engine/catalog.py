"""The checks a topic declares, read from its grader module without grading anything."""

from __future__ import annotations

import importlib.util
from functools import cache

from torchdojo.course import Course, Topic
from torchdojo.engine.spec import Check, spec_of


@cache
def _checks_in(path: str) -> tuple[Check, ...]:
    spec = importlib.util.spec_from_file_location(f"torchdojo_catalog_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = [spec_of(v) for v in vars(module).values() if callable(v)]
    return tuple(c for c in found if c is not None)


def checks(course: Course, topic: Topic) -> tuple[Check, ...]:
    """The topic's checks in definition order."""
    return _checks_in(str(course.grader(topic)))


def points(course: Course, topic: Topic) -> int:
    return sum(c.points for c in checks(course, topic))
