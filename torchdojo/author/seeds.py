"""``dev seeds``: grade the reference solutions from many seeds; every check they lose is a bug.

A check compares seeded runs: drawn inputs, initial weights, a data split. A bar that holds for
the reference from most seeds can fail it from a rare one (CI once drew a seed where training's
convergence band failed the reference), and a learner with a correct solution then loses
points by chance. ``dev check`` grades from one seed; this grades from many, and names the
seed that reproduces each loss.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from torchdojo.course import Course
from torchdojo.engine.report import Status


@dataclass(frozen=True)
class Miss:
    seed: int
    topic: str
    check: str
    message: str

    def __str__(self) -> str:
        first = self.message.splitlines()[0] if self.message else ""
        return (f"{self.topic}.{self.check} from seed {self.seed}: {first} (again: torchdojo "
                f"grade {self.topic} --submission solutions --seed {self.seed})")


def drawn_seeds(count: int, start: int) -> list[int]:
    """``count`` seeds as a grade draws them, from a generator seeded with ``start``."""
    rng = random.Random(start)
    return [rng.randrange(2**31) for _ in range(count)]


def reference_misses(course: Course, topics: Iterable[str], seeds: Iterable[int],
                     echo: Callable[[str], None] = lambda _: None) -> list[Miss]:
    """Every check the references do not pass (skipped ones aside) from each seed."""
    from torchdojo.engine.grading import grade

    missed: list[Miss] = []
    for seed in seeds:
        report = grade(course, list(topics), submission=course.solutions, seed=seed)
        found = [Miss(seed, topic.name, check.name, check.message)
                 for topic in report.topics for check in topic.checks
                 if check.status not in (Status.PASSED, Status.SKIPPED)]
        echo(f"seed {seed}: {report.score}/{report.max_score}")
        missed += found
    return missed
