"""Shards of a batch: a stable partition of learners by id, for engines that run many machines.

A learner's shard depends only on its id and the number of shards (a hash, not a position),
so reordering, adding or removing other learners never moves it: a GitHub Actions matrix job,
a Kubernetes Indexed Job pod or a rerun of one shard grade the same learners every time.

Standard library only: the GitHub workflow's planning step runs this before torchdojo is
installed.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass

_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")
MAX_SHARDS = 100_000  # a Kubernetes Indexed Job's limit on completions


def shard_of(learner: str, count: int) -> int:
    """The shard (1 to ``count``) that grades ``learner``."""
    digest = hashlib.sha256(os.fsencode(learner)).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based, as in "shard 2 of 4")."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SPEC.fullmatch(text)
        if not match:
            raise ValueError(f"{text!r} is not a shard: write K/N, as in 2/4 (shard 2 of 4)")
        index, count = int(match[1]), int(match[2])
        if not 1 <= count <= MAX_SHARDS:
            raise ValueError(f"{text!r}: the number of shards must be 1 to {MAX_SHARDS}")
        if not 1 <= index <= count:
            raise ValueError(f"{text!r}: the shard must be 1 to {count}")
        return cls(index, count)

    def holds(self, learner: str) -> bool:
        return shard_of(learner, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
