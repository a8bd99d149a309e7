"""Inputs for checks, drawn in the grading process from the run's seed.

Each check gets its own stream, derived from (run seed, topic, check), so a check's inputs do not
depend on which other checks ran before it, and ``--seed N`` replays a run exactly.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import torch

T = TypeVar("T")


def derive_seed(*parts: object) -> int:
    digest = hashlib.sha256("/".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "little")


class Draw:
    """Seeded random inputs. Values are rounded so messages stay readable."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._py = random.Random(seed)
        self._gen = torch.Generator().manual_seed(seed)

    def integer(self, lo: int, hi: int) -> int:
        """A whole number in [lo, hi]."""
        return self._py.randint(lo, hi)

    def number(self, lo: float = -10.0, hi: float = 10.0, digits: int = 2) -> float:
        """A float in [lo, hi], never an integer value (so int and float answers differ)."""
        while True:
            value = round(self._py.uniform(lo, hi), digits)
            if not value.is_integer():
                return value

    def choice(self, options: Sequence[T]) -> T:
        return options[self._py.randrange(len(options))]

    def shape(self, ndim: int, lo: int = 2, hi: int = 5) -> tuple[int, ...]:
        return tuple(self.integer(lo, hi) for _ in range(ndim))

    def distinct_shape(self, ndim: int, lo: int = 2, hi: int = 6) -> tuple[int, ...]:
        """A shape whose sizes all differ, so swapped axes cannot pass unnoticed."""
        sizes = self._py.sample(range(lo, hi + 1), ndim)
        return tuple(sizes)

    def tensor(self, *shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """Normal values rounded to 2 decimals."""
        values = torch.randn(shape, generator=self._gen, dtype=torch.float64)
        return values.mul(100).round().div(100).to(dtype)

    def integers(self, *shape: int, lo: int, hi: int, dtype: torch.dtype = torch.int64
                 ) -> torch.Tensor:
        """Integers in [lo, hi]."""
        return torch.randint(lo, hi + 1, shape, generator=self._gen, dtype=dtype)

    def array(self, *shape: int, dtype: type = np.float64) -> np.ndarray:
        return self.tensor(*shape, dtype=torch.float64).numpy().astype(dtype)

    def nested(self, *shape: int) -> list:
        """A nested Python list of floats with the given shape."""
        return self.tensor(*shape, dtype=torch.float64).tolist()

    def seed_value(self) -> int:
        """A seed to hand to the learner's code (for their own generators)."""
        return self._py.randrange(2**31)
