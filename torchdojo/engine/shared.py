"""One expensive run (a whole training, a distributed job) read by several checks of a topic."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from torchdojo.sandbox.host import SandboxProblem

SHARED = "__torchdojo_shared__"  # on a shared run's fixture: the function it runs


def shared(fn: Callable) -> Callable:
    """One expensive run read by several checks of a topic, made once per grade.

    Write it like a pytest fixture (it may take ``learner``, ``ref``, ``seed`` and other shared
    runs) and name it as a parameter of each check that reads it. When it raises (the learner's
    code failed, timed out or was not attempted), every check that reads it gets that verdict,
    naming the call that failed. A check that fails on what the run returned names the call
    itself, with ``learner.last_call = "..."`` (each check starts with no call named).
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

    fixture = pytest.fixture(scope="module")(run)
    setattr(fixture, SHARED, fn)  # a replay (engine.replay) runs it outside pytest
    return fixture
