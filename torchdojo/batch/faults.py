"""Reports for learners whose grading could not be trusted: no scores, and the reason."""

from __future__ import annotations

from collections.abc import Sequence

from torchdojo.course import Course
from torchdojo.engine.report import Report, TopicResult


def fault_report(course: Course, seed: int, strict: bool, reason: str,
                 topics: Sequence[str] = ()) -> Report:
    """A report that says why there is no grade; the gradebook leaves its scores empty."""
    results = [TopicResult(t.name, t.title, error="not graded: " + reason)
               for t in course.select(topics)]
    return Report(seed=seed, tier="strict" if strict else "local", topics=results, fault=reason)
