"""Join batch outputs (the shards of one batch, or a regrade) into one gradebook folder.

The inputs were produced elsewhere (another machine, another job), so they are read as
untrusted data: every ``batch.json`` must agree with the others and with this course, every
learner must belong to the shard that graded it and appear once, and every record is checked
by ``records.load`` against the course's own checks and points. A record that fails is not
copied: its learner is shown as needing a regrade, with the reason.

Records are written back in the one canonical form, so the shards of a batch merge into
exactly the files that one unsharded run writes (reports differ only in their timings).
A merge into a folder that already holds the batch updates the learners the inputs hold and
keeps the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from torchdojo.batch import records
from torchdojo.batch.identity import BatchKey, course_fingerprint
from torchdojo.batch.output import MANIFEST, Output, read_manifest, valid_id
from torchdojo.batch.shards import Shard
from torchdojo.course import Course, CourseError


@dataclass
class Merged:
    output: Output
    missing_shards: list[str] = field(default_factory=list)  # "K/N" of shards not given

    @property
    def needs_regrade(self) -> list[str]:
        return [n for n in self.output.learners
                if self.output.state(n) == records.NEEDS_REGRADE]

    @property
    def pending(self) -> list[str]:
        return [n for n in self.output.learners if self.output.state(n) == records.PENDING]

    @property
    def complete(self) -> bool:
        return not (self.missing_shards or self.needs_regrade or self.pending)


@dataclass(frozen=True)
class _Input:
    path: Path
    shard: Shard | None
    learners: list[str]


def merge(course: Course, inputs: list[Path], output: Path) -> Merged:
    """Merge ``inputs`` into ``output`` (see the module notes); CourseError on bad input."""
    if not inputs:
        raise CourseError("no batch outputs to merge")
    parts, key = _read_inputs(course, inputs, output)
    out = _open_output(output, key)
    points = records.course_points(course, key.topics)
    out.load_records(points)
    for part in parts:
        source = Output(part.path, key, part.shard, part.learners)
        source.load_records(points)
        for learner in part.learners:  # one the input has not graded keeps its earlier row
            if learner in source.records:
                out.records[learner] = source.records[learner]
                out.refused.pop(learner, None)
            elif learner in source.refused:
                out.records.pop(learner, None)
                out.refused[learner] = source.refused[learner]
        out.add_learners(part.learners)
    out.write_manifest()  # first: a merge cut short can be run again into the same folder
    for learner in {n for part in parts for n in part.learners}:
        if learner in out.records:
            out.write_record(learner, out.records[learner])
    out.write_gradebook()
    return Merged(out, _missing_shards(parts))


def rebuild(course: Course, folder: Path) -> Merged:
    """Write ``folder``'s gradebook again from its reports (every ``reports/*.json``)."""
    key, shard, learners = read_manifest(folder)
    _same_course(course, key, folder)
    out = Output(Path(folder), key, shard, learners)
    out.add_learners(p.stem for p in out.reports.glob("*.json") if valid_id(p.stem))
    out.load_records(records.course_points(course, key.topics))
    out.write_manifest()
    out.write_gradebook()
    return Merged(out)


def _read_inputs(course: Course, inputs: list[Path], output: Path) -> tuple[list[_Input], BatchKey]:
    parts, keys = [], []
    seen: dict[str, Path] = {}
    for folder in dict.fromkeys(Path(p) for p in inputs):
        if folder.resolve() == Path(output).resolve():
            raise CourseError(f"{folder} is the output; to rebuild its gradebook use "
                              "`torchdojo gradebook rebuild`")
        key, shard, learners = read_manifest(folder)
        _same_course(course, key, folder)
        if keys and key.differences(keys[0]):
            raise CourseError(f"{folder} was graded with " + "; ".join(key.differences(keys[0]))
                              + f" than {parts[0].path}: only outputs of one batch merge")
        for learner in learners:
            if shard is not None and not shard.holds(learner):
                raise CourseError(f"{folder}: learner {learner!r} does not belong to shard "
                                  f"{shard}")
            if learner in seen:
                raise CourseError(f"learner {learner!r} is in both {seen[learner]} and {folder}")
            seen[learner] = folder
        parts.append(_Input(folder, shard, learners))
        keys.append(key)
    shards = {part.shard.count if part.shard else None for part in parts}
    if len(shards) > 1:
        raise CourseError("the inputs mix shards of different batches (or shards and whole "
                          "batches): merge the shards of one batch at a time")
    counts = [str(p.shard) for p in parts if p.shard]
    if len(set(counts)) != len(counts):
        raise CourseError("the same shard is given twice: " + ", ".join(sorted(counts)))
    return parts, keys[0]


def _same_course(course: Course, key: BatchKey, folder: Path) -> None:
    if key.course != course_fingerprint(course):
        raise CourseError(f"{folder} was graded with another version of this course (its hidden "
                          "checks or solutions differ): merge it with the course it was graded "
                          "with")


def _open_output(output: Path, key: BatchKey) -> Output:
    output = Path(output)
    if (output / MANIFEST).exists():
        held, shard, learners = read_manifest(output)
        if held.differences(key) or shard is not None:
            raise CourseError(f"{output} holds another batch (or a single shard): merge into "
                              "another --output")
        return Output(output, key, None, learners)
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise CourseError(f"{output} exists and is not a batch output: merge into a new folder")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CourseError(f"cannot write to {output}: {exc.strerror or exc}") from None
    return Output(output, key, None, [])


def _missing_shards(parts: list[_Input]) -> list[str]:
    sharded = [p.shard for p in parts if p.shard]
    if not sharded:
        return []
    count = sharded[0].count
    present = {s.index for s in sharded}
    return [f"{k}/{count}" for k in range(1, count + 1) if k not in present]
