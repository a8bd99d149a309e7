"""Build batches of learner folders with known expected scores, for batch tests and benchmarks.

Each learner gets one folder laid out like exercises/, built per topic from the reference
solution, the corpora (``tests/corpus/<topic>/{right,wrong,attacks}``), the stub, or a broken
file, so a batch mixes correct, wrong and malicious submissions. Every topic in the manifest
takes part, and a new topic with a corpus joins without changes here. Expected scores come
from the corpus metadata and the checks' declared points; cases whose outcome is not exact
(``also:`` or ``lose: any``) are left out. ``killers`` learners kill their grading process and
must get an error row instead of a score.

    python -m tests.batchgen DEST --count 30 [--seed 0] [--killers 1]
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path

import torch

from tests.corpus import SOLUTIONS, Case, cases
from torchdojo import course as course_mod
from torchdojo.course import Course
from torchdojo.engine import catalog

KILLER = Path(__file__).parent / "batch_cases" / "C7_kill_grading_process.py"
PROFILES = ("correct", "wrong", "malicious", "mixed")
BROKEN = {"syntax": "def broken(:\n    pass\n", "empty": ""}


@dataclass(frozen=True)
class Part:
    """What one topic of a learner's submission is, and the score it must get."""

    kind: str  # reference, right, wrong, attack, stub, missing, syntax, empty
    origin: str  # a corpus case id, or how the file was made
    expected: float


@dataclass
class Learner:
    name: str
    folder: Path
    profile: str
    parts: dict[str, Part] = field(default_factory=dict)
    kills_grader: bool = False

    @property
    def expected(self) -> float | None:
        """The total it must score, or None when it must get an error row."""
        return None if self.kills_grader else sum(p.expected for p in self.parts.values())

    def state(self, topics: list[str] | None = None) -> str:
        """The gradebook state it must get when ``topics`` (default: all) are graded."""
        kinds = {p.kind for t, p in self.parts.items() if topics is None or t in topics}
        if self.kills_grader:
            return "needs_regrade"
        if kinds <= {"missing"}:
            return "no_submission"
        return "not_attempted" if kinds <= {"stub", "missing"} else "graded"


def gradable_points(course: Course) -> dict[str, dict[str, int]]:
    """Points of each check that this machine can grade (GPU-only checks are skipped here)."""
    cuda = torch.cuda.is_available()
    return {t.name: {c.name: c.points for c in catalog.checks(course, t)
                     if c.requires != "cuda" or cuda}
            for t in course.topics}


def expected_for(case: Case, points: dict[str, int]) -> float | None:
    """The topic score a corpus case must get, or None when the metadata does not pin it."""
    full = sum(points.values())
    if case.kind == "right":
        return full
    if case.kind == "wrong":
        return None if case.also else full - points.get(case.check, 0)
    if "any" in case.lose:
        return None
    if "all" in case.lose or "every" in case.lose:
        return 0
    return full - sum(points.get(name, 0) for name in case.lose)


class _Sources:
    """Per topic, endless rotations over the corpus cases of each kind, so all get used."""

    def __init__(self, course: Course, rng: random.Random) -> None:
        self.points = gradable_points(course)
        self.rotations: dict[tuple[str, str], Iterator[Case]] = {}
        for topic in course.topics:
            for kind in ("right", "wrong", "attacks"):
                usable = [c for c in cases(kind, topic.name)
                          if expected_for(c, self.points[topic.name]) is not None]
                rng.shuffle(usable)
                if usable:
                    self.rotations[(topic.name, kind)] = cycle(usable)

    def case(self, topic: str, kind: str) -> Case | None:
        rotation = self.rotations.get((topic, kind))
        return next(rotation) if rotation else None


def generate(course: Course, dest: Path, count: int, *, seed: int = 0,
             killers: int = 0) -> list[Learner]:
    """Write ``count`` learner folders into ``dest`` and return what each must score."""
    rng = random.Random(seed)
    sources = _Sources(course, rng)
    dest.mkdir(parents=True, exist_ok=True)
    learners = []
    for index in range(count):
        profile = "killer" if index < killers else PROFILES[index % len(PROFILES)]
        name = f"learner{index + 1:03d}-{profile}"
        learner = Learner(name, dest / name, profile, kills_grader=index < killers)
        learner.folder.mkdir()
        for number, topic in enumerate(course.topics):
            part, source = _part(course, sources, topic.name, profile, rng)
            if learner.kills_grader and number == 0:
                part, source = Part("killer", KILLER.stem, 0), KILLER.read_text()
            learner.parts[topic.name] = part
            if source is not None:
                (learner.folder / f"{topic.name}.py").write_text(source)
        learners.append(learner)
    return learners


def _part(course: Course, sources: _Sources, topic: str, profile: str,
          rng: random.Random) -> tuple[Part, str | None]:
    full = sum(sources.points[topic].values())
    kind = {"killer": "reference", "correct": rng.choice(["reference", "right"]),
            "wrong": rng.choice(["wrong", "wrong", "stub", "missing", "syntax", "empty"]),
            "malicious": "attacks",
            "mixed": rng.choice(["reference", "right", "wrong", "attacks", "stub"])}[profile]
    if kind in ("right", "wrong", "attacks"):
        case = sources.case(topic, kind)
        if case is not None:
            return Part(case.kind, case.id, expected_for(case, sources.points[topic])), \
                case.source()
        kind = "reference" if kind == "right" else "stub"  # this topic has no such case yet
    if kind == "reference":
        return Part("reference", f"solutions/{topic}.py", full), \
            (SOLUTIONS / f"{topic}.py").read_text()
    if kind == "stub":
        return Part("stub", f"exercises/{topic}.py", 0), \
            (course.exercises / f"{topic}.py").read_text()
    if kind == "missing":
        return Part("missing", "no file", 0), None
    return Part(kind, f"{kind} file", 0), BROKEN[kind]


def without_timings(value: object) -> object:
    """A report (parsed JSON) less its ``seconds`` fields: what two gradings of the same
    submissions with the same seed must agree on."""
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--killers", type=int, default=0)
    args = parser.parse_args()
    if args.dest.exists():
        shutil.rmtree(args.dest)
    learners = generate(course_mod.load(), args.dest, args.count, seed=args.seed,
                        killers=args.killers)
    for learner in learners:
        print(f"{learner.name}: expected {learner.expected}")


if __name__ == "__main__":
    main()
