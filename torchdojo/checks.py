"""What a grader module imports: the ``check`` decorator and the helpers checks are written with.

A check is a pytest test that runs in the grading process. It asks the learner's sandbox for
values (``learner.fn(...)`` or ``learner.run(probe, ...)``), asks the reference for the same
(``ref.fn(...)``), and compares them with ``expect``. It declares its points, the concept it
grades and escalating hints where it is defined::

    @check(points=2, concept="0-d tensors", hints=["...", "...", "..."])
    def scalar_from_number(learner, ref, draw):
        value = draw.number()
        expect(learner.make_scalar(value), ref.make_scalar(value))
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from torchdojo.compare import Mismatch, expect, expect_true
from torchdojo.datasets import load_digits
from torchdojo.engine.draw import Draw, derive_seed
from torchdojo.engine.ranks import job_part, rank_records, ranks_that_wrote
from torchdojo.sandbox import wire
from torchdojo.sandbox.host import (
    LearnerRaised,
    NotAttempted,
    Reply,
    SandboxCrashed,
    SandboxProblem,
    SandboxTimeout,
    learner_problem,
)
from torchdojo.sandbox.ranks import DEADLINE, GROUP_TIMEOUT
from torchdojo.sandbox.wire import Foreign, TensorData

__all__ = [
    "DEADLINE", "GROUP_TIMEOUT", "Check", "Draw", "Foreign", "LearnerRaised", "Mismatch",
    "NotAttempted", "SandboxCrashed", "SandboxProblem", "SandboxTimeout", "TensorData", "as_data",
    "both", "check", "derive_seed", "expect", "expect_inputs_kept", "expect_true", "job_part",
    "learner_problem", "load_digits", "rank_records", "ranks_that_wrote", "shared", "spec_of",
]

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


def check(*, points: int = 1, concept: str, hints: Sequence[str], requires: str | None = None,
          timeout: float | None = None, docs: str | Sequence[str] = ()) -> Callable:
    """Declare a graded check: its points, the concept it grades, its hints (nudge first) and
    the documentation pages (``https://docs.pytorch.org/...``) its lesson links to."""
    pages = (docs,) if isinstance(docs, str) else tuple(docs)

    def mark(fn: Callable) -> Callable:
        setattr(fn, MARK, Check(fn.__name__, points, concept, tuple(hints), requires, timeout,
                                pages))
        return fn

    return mark


def shared(fn: Callable) -> Callable:
    """One expensive run read by several checks of a topic, made once per grade.

    Write it like a pytest fixture (it may take ``learner``, ``ref``, ``seed`` and other shared
    runs) and name it as a parameter of each check that reads it. When it raises (the learner's
    code failed, timed out or was not attempted), every check that reads it gets that verdict.
    """

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SandboxProblem as problem:
            # pytest re-raises this for every check that reads the run: keep the call it
            # came from, so each verdict names it rather than whatever ran last
            problem.label = getattr(kwargs.get("learner"), "last_call", "")
            raise

    return pytest.fixture(scope="module")(run)


def both(learner: Any, ref: Any, target: str | Callable, *args: Any, after: bool = False,
         label: str | None = None, **kwargs: Any) -> tuple[Any, Any]:
    """Ask the learner and the reference the same thing: a function by name, or a probe.

    Returns ``(got, want)``. With a name, ``after=True`` returns whole replies (the value plus
    the arguments as they are after the call, see ``expect_inputs_kept``); a probe's ``label``
    names it in messages.
    """
    if callable(target):
        return learner.run(target, *args, label=label, **kwargs), ref.run(target, *args, **kwargs)
    if after:
        return learner.call(target, *args, after=True, **kwargs), ref.call(target, *args, **kwargs)
    return getattr(learner, target)(*args, **kwargs), getattr(ref, target)(*args, **kwargs)


def spec_of(obj: object) -> Check | None:
    return getattr(obj, MARK, None)


def expect_inputs_kept(got: Reply, want: Reply, advice: str | dict[str, str],
                       **options: Any) -> None:
    """The arguments after the learner's call must equal the arguments after the reference's.

    Needs ``learner.call(..., after=True)`` and ``ref.call(...)``. ``options`` go to ``expect``
    (``grad=False`` when what is left in ``.grad`` is up to the learner).
    """
    try:
        expect(got.after, want.after, advice=advice, **options)
    except Mismatch as miss:
        head, _, rest = miss.path.partition("]")
        if head.startswith("[") and head[1:].isdigit():
            miss.subject, miss.path = f"argument {int(head[1:]) + 1} after the call", rest
        raise


def as_data(value: object) -> object:
    """A value computed here (an oracle, a fixed example) in the form learner values take."""
    return wire.unpack_result(wire.pack_result(value))
