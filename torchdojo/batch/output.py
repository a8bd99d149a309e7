"""A batch's output folder: ``batch.json``, ``reports/<learner>.json`` and ``gradebook.csv``.

``batch.json`` names what every report in the folder shares (the batch key: seed, tier,
topics, course fingerprint, torchdojo version), the shard when the folder is one, and the
learners it holds. The reports are the truth; the gradebook is always rebuilt from them (one row
per learner, ``pending`` where a report is missing), so it can be made again at any time.

A folder holds one batch: grading into it again (to resume, or to regrade some learners)
must use the same key, and keeps the reports of learners it does not regrade.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from torchdojo.batch import records
from torchdojo.batch.identity import BatchKey
from torchdojo.batch.shards import Shard
from torchdojo.course import Course, CourseError
from torchdojo.files import write_atomically
from torchdojo.reporters import gradebook_csv

MANIFEST = "batch.json"
FORMAT = 1
GRADEBOOK_EVERY = 1.0  # seconds between gradebook rewrites while learners finish


def valid_id(learner: object) -> bool:
    """A learner id names a report file: one path component, not hidden."""
    return (isinstance(learner, str) and bool(learner) and "/" not in learner
            and "\0" not in learner and not learner.startswith("."))


@dataclass
class Output:
    path: Path
    key: BatchKey
    shard: Shard | None
    learners: list[str]  # every learner of the folder, sorted
    records: dict[str, dict] = field(default_factory=dict)  # learner -> validated record
    refused: dict[str, str] = field(default_factory=dict)  # learner -> why its report was not used
    _gradebook_written: float = field(default=-math.inf, repr=False)

    @property
    def gradebook(self) -> Path:
        return self.path / "gradebook.csv"

    @property
    def reports(self) -> Path:
        return self.path / "reports"

    def report_file(self, learner: str) -> Path:
        return self.reports / f"{learner}.json"

    def state(self, learner: str) -> str:
        if learner in self.refused:
            return records.NEEDS_REGRADE
        record = self.records.get(learner)
        return record["state"] if record else records.PENDING

    def add_learners(self, learners: Iterable[str]) -> None:
        self.learners = sorted(set(self.learners) | set(learners))

    def save(self, learner: str, record: dict) -> None:
        """Write one learner's record (atomically), and now and then the gradebook.

        The gradebook is rebuilt from all records, so rewriting it after every learner of a
        large course would cost more than grading; the caller writes it once more at the end.
        """
        self.write_record(learner, record)
        if time.monotonic() - self._gradebook_written >= GRADEBOOK_EVERY:
            self.write_gradebook()

    def write_record(self, learner: str, record: dict) -> None:
        write_atomically(self.report_file(learner), records.dumps(record))
        self.records[learner] = record
        self.refused.pop(learner, None)

    def rows(self) -> list[gradebook_csv.Row]:
        return [gradebook_csv.Row(learner, self.state(learner), self.records.get(learner),
                                  self.refused.get(learner, ""))
                for learner in self.learners]

    def write_gradebook(self) -> None:
        write_atomically(self.gradebook, gradebook_csv.render(self.rows(), self.key.topics))
        self._gradebook_written = time.monotonic()

    def write_manifest(self) -> None:
        data = {"format": FORMAT, **self.key.to_dict(),
                "shard": str(self.shard) if self.shard else None, "learners": self.learners}
        write_atomically(self.path / MANIFEST, json.dumps(data, indent=2) + "\n")

    def load_records(self, points: records.Points | None, learners: Iterable[str] | None = None,
                     check: Callable[[], None] = lambda: None) -> None:
        """Read the reports of ``learners`` (default: all); unusable ones are noted as refused."""
        for learner in self.learners if learners is None else learners:
            check()
            if not self.report_file(learner).exists():
                continue
            try:
                self.records[learner] = records.load(self.report_file(learner), learner,
                                                     self.key, points)
            except records.RecordError as exc:
                self.refused[learner] = f"its report was refused: {exc}"


def read_manifest(folder: Path) -> tuple[BatchKey, Shard | None, list[str]]:
    """The key, shard and learners a batch folder declares; CourseError when it is not one."""
    where = folder / MANIFEST
    try:
        data = records.read_json(where)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a format {FORMAT} batch manifest")
        topics = data["topics"]
        if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
            raise ValueError("topics must be a list of names")
        waived = data.get("waived", [])  # absent from manifests written before it was kept
        if not isinstance(waived, list) or not all(isinstance(w, str) for w in waived):
            raise ValueError("waived must be a list of confinement names")
        key = BatchKey(data["seed"], data["tier"], tuple(topics), data["course"],
                       data["torchdojo"], tuple(waived))
        kinds = {"seed": int, "tier": str, "course": str, "torchdojo": str}
        if any(type(getattr(key, k)) is not t for k, t in kinds.items()):
            raise ValueError("seed, tier, course or torchdojo has the wrong type")
        shard = Shard.parse(data["shard"]) if data["shard"] is not None else None
        learners = data["learners"]
        if not isinstance(learners, list) or not all(valid_id(n) for n in learners) \
                or len(set(learners)) != len(learners):
            raise ValueError("learners must be distinct learner ids")
    except FileNotFoundError:
        raise CourseError(f"{folder} is not a batch output (it has no {MANIFEST})") from None
    except (OSError, ValueError, KeyError, TypeError, RecursionError,
            records.RecordError) as exc:
        raise CourseError(f"{where} cannot be used: {exc}") from None
    return key, shard, sorted(learners)


def open_for_run(course: Course, folder: Path, seed: int | None, strict: bool,
                 topics: list[str], shard: Shard | None, waived: Sequence[str] = ()) -> Output:
    """The output folder of a grade-batch run, created or continued.

    A folder that already holds a batch lends it its seed (when none is given) and must agree
    on everything else; CourseError says what differs.
    """
    folder = Path(folder)
    existing = folder / MANIFEST
    if not existing.exists():
        if any(folder.glob("reports/*.json")):
            raise CourseError(f"{folder} holds reports but no {MANIFEST} (graded by an earlier "
                              "torchdojo): grade into another --output")
        from torchdojo.seeds import new_seed

        key = BatchKey.for_run(course, new_seed() if seed is None else seed, strict, topics,
                               waived)
        return Output(folder, key, shard, [])
    held, held_shard, learners = read_manifest(folder)
    key = BatchKey.for_run(course, held.seed if seed is None else seed, strict, topics, waived)
    differences = key.differences(held)
    if held_shard != shard:
        differences.append(f"shard {held_shard or '(none)'} (this run: {shard or '(none)'})")
    if differences:
        raise CourseError(f"{folder} holds a batch graded with " + "; ".join(differences)
                          + ": grade into another --output")
    return Output(folder, key, shard, learners)


def remove_stale_temporaries(folder: Path) -> None:
    """Temporary files that an interrupted write left (write_atomically removes its own, but a
    killed process cannot)."""
    for pattern in (".*.tmp", "reports/.*.tmp"):
        for stale in folder.glob(pattern):
            with contextlib.suppress(OSError):
                stale.unlink()
