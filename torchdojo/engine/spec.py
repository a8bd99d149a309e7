"""What a check declares about itself: points, concept, hints, hardware, time and docs.

A grader module marks each check with ``@check(...)``; the plugin collects the functions that
carry the mark, and the catalog reads the marks without grading anything (``list``, ``hint``,
the notebooks). Nothing here imports torch or pytest, so reading a course's checks stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MARK = "__torchdojo_check__"


@dataclass(frozen=True)
class Check:
    name: str
    points: int
    concept: str
    hints: tuple[str, ...]
    requires: str | None = None  # "cuda": graded only where that hardware exists
    timeout: float | None = None  # seconds per sandbox call, when the topic default is too short
    docs: tuple[str, ...] = ()  # pages of the PyTorch documentation that teach the concept
    # (explained concept, lesson): what a known PyTorch error teaches in this check, where the
    # general explanation (``torchdojo.explain``) would teach the wrong thing. A lesson is a
    # string (the check's concept) or a ``torchdojo.compare.Lesson``.
    errors: tuple[tuple[str, Any], ...] = ()


def check(*, points: int = 1, concept: str, hints: Sequence[str], requires: str | None = None,
          timeout: float | None = None, docs: str | Sequence[str] = (),
          errors: Mapping[str, Any] | None = None) -> Callable:
    """Declare a graded check: its points, the concept it grades, its hints (nudge first), the
    documentation pages (``https://docs.pytorch.org/...``) its lesson links to, and ``errors``:
    for a PyTorch error that ``torchdojo.explain`` knows by the concept it names, the lesson
    this check teaches instead (forgetting ``create_graph`` raises the same error as computing
    under ``no_grad``, and only the check knows which one it is)."""
    pages = (docs,) if isinstance(docs, str) else tuple(docs)
    lessons = tuple((errors or {}).items())

    def mark(fn: Callable) -> Callable:
        setattr(fn, MARK, Check(fn.__name__, points, concept, tuple(hints), requires, timeout,
                                pages, lessons))
        return fn

    return mark


def spec_of(obj: object) -> Check | None:
    return getattr(obj, MARK, None)
