"""Escalating hints: each request reveals the next level for the first check not yet passed.

Levels go from a nudge to the concept to the API to use. The levels shown are kept in the
learner's progress, so ``torchdojo hint`` and watch mode's ``h`` key climb the same ladder.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from torchdojo.course import CourseError
from torchdojo.engine.spec import Check
from torchdojo.learn.progress import Progress

# A check that was skipped (it needs a GPU) cannot be passed here, so it needs no hint.
_SETTLED = ("passed", "skipped")


def first_unpassed(progress: Progress, topic: str, checks: Sequence[Check]) -> Check | None:
    """The first check, in course order, that has not passed (None when all have)."""
    return next((c for c in checks if progress.status(topic, c.name) not in _SETTLED), None)


def named(topic: str, checks: Sequence[Check], name: str) -> Check:
    """The check called ``name``; an unknown name is a usage error that lists the checks."""
    found = next((c for c in checks if c.name == name), None)
    if found is None:
        names = ", ".join(c.name for c in checks)
        raise CourseError(f"topic {topic} has no check {name!r} (checks: {names})")
    return found


def reveal(progress: Progress, topic: str, check: Check) -> int:
    """Show one more level for ``check``; returns the level now shown (1-based)."""
    return progress.next_hint(topic, check.name, len(check.hints))


def shown(progress: Progress, topic: str, check: Check) -> int:
    """How many levels of ``check``'s hints the learner has already seen."""
    return min(progress.hints.get(f"{topic}/{check.name}", 0), len(check.hints))


def render(topic: str, check: Check, level: int, again: str) -> Text:
    """The hints up to ``level``, the newest bright and the older ones dim."""
    text = Text.assemble((f"{topic} · {check.name}", "bold"),
                         f" ({check.concept}), hint {level} of {len(check.hints)}:")
    for number, hint in enumerate(check.hints[:level], 1):
        text.append(f"\n  {number}. {hint}", style="" if number == level else "dim")
    if level < len(check.hints):
        text.append(f"\n{again}", style="dim")
    return text
