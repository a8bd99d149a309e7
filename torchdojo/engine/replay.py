"""Whose fault was it? A check that crashed is replayed with the reference as the learner.

A check reads what the learner's code returned: it indexes it, iterates it, does arithmetic
on it. Learner code controls that value completely (it can rewrite the sandbox's reply), so a
value of an unexpected shape can make a check raise a ``TypeError`` or ``KeyError`` that no
``expect`` anticipated. That is a failed check, not a grader fault: the learner gets no point
and a message, and the run goes on. A genuine bug in a check must still be seen by its author.

The two are told apart by running the check again, exactly as before (same seed, same inputs),
with the reference solution submitted in the learner's place: a sandbox that holds the
reference module answers the check's requests. If the check passes then, it works on the data
an honest, correct submission returns, and the crash came from the learner's data. If it
crashes or fails again, or cannot be replayed at all (a shared run it reads is not a
``@shared`` one), the check itself is broken: a grader fault, as before. The replay costs
nothing unless a check crashes.
"""

from __future__ import annotations

import inspect
import traceback
from pathlib import Path
from typing import Any

import pytest

from torchdojo.course import Course, Topic
from torchdojo.engine.draw import Draw, derive_seed
from torchdojo.engine.proxies import Learner, Reference
from torchdojo.engine.shared import SHARED
from torchdojo.sandbox.host import Budget, Sandbox, SandboxProblem


class Replay:
    """A topic's stand-in learner: the reference solution in a sandbox of its own.

    It runs no learner code, so it needs none of strict mode's confinement; it is started on
    the first replay of the topic and closed with the topic.
    """

    def __init__(self, course: Course, topic: Topic, seed: int, budget: Budget) -> None:
        self.course = course
        self.topic = topic
        self.seed = seed
        self.budget = budget
        self._sandbox: Sandbox | None = None
        self._learner: Learner | None = None
        self._shared: dict[str, Any] = {}

    def blames_learner(self, check: Any) -> bool:
        """Whether ``check`` (a collected check function of this topic) works with the
        reference in the learner's place, so that its crash came from the learner's data.

        False when the check crashes or fails on the reference too: it is broken. A replay
        that cannot finish (the reference's sandbox timed out on a busy machine, a skip)
        proves nothing against the check, and the learner's data stays the suspect.
        """
        try:
            check(**self._arguments(check, set()))
        except (SandboxProblem, pytest.skip.Exception):
            return True
        except KeyboardInterrupt:
            raise
        except BaseException:  # the check is broken on honest data too
            return False
        return True

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = self._learner = None
        self._shared.clear()

    # -- what a check is called with

    def _arguments(self, fn: Any, resolving: set[str]) -> dict[str, Any]:
        names = inspect.signature(fn).parameters
        return {name: self._value(name, fn, resolving) for name in names}

    def _value(self, name: str, fn: Any, resolving: set[str]) -> Any:
        if name == "learner":
            return self._stand_in()
        if name == "ref":
            return Reference(self.course.solution(self.topic), self.topic.name)
        if name == "draw":
            return Draw(derive_seed(self.seed, self.topic.name, fn.__name__))
        if name == "seed":
            return self.seed
        if name == "record":
            return {}
        return self._shared_run(name, fn, resolving)

    def _shared_run(self, name: str, fn: Any, resolving: set[str]) -> Any:
        if name not in self._shared:
            made = getattr(fn.__globals__.get(name), SHARED, None)
            if made is None or name in resolving:
                raise LookupError(f"cannot replay {fn.__name__}: no shared run {name!r}")
            self._shared[name] = made(**self._arguments(made, resolving | {name}))
        return self._shared[name]

    def _stand_in(self) -> Learner:
        if self._learner is None:
            code = {f"{self.topic.name}.py": self.course.solution(self.topic).read_bytes()}
            self._sandbox = Sandbox(self.topic.name, code, budget=self.budget)
            self._learner = Learner(self._sandbox)
        self._learner.last_call = ""
        return self._learner


def grader_frame(exc: BaseException, roots: list[Path]) -> str:
    """Where in the grader (or torchdojo) the exception was raised, for the check's author:
    ``graders/modules.py:153 in mlp_structure``. Never any source text."""
    found = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        for root in roots:
            if path.is_relative_to(root):
                found = f"{path.relative_to(root.parent).as_posix()}:{frame.lineno} in {frame.name}"
    return found
