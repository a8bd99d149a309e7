"""Grade a folder of learners' submissions: reports and a gradebook written as learners finish.

Every learner's record (``reports/<learner>.json``) is written atomically the moment it is
graded, and the gradebook is rebuilt from the records after each one, with learners not graded
yet marked ``pending``: stopping a batch half-way never loses the work already done.

A run grades the learners of its shard (all of them without ``--shard``) into its output
folder (``batch.output``); learners already in the folder and not in this run keep their rows.
With ``resume``, a learner whose record is complete for the same batch key and the same
submission bytes is kept instead of graded again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from torchdojo.batch import records
from torchdojo.batch.faults import fault_report
from torchdojo.batch.folders import default_workers, find_learners, prepare_output
from torchdojo.batch.identity import Submission, submission_digest
from torchdojo.batch.interrupt import Interrupt, Interrupted
from torchdojo.batch.output import Output, open_for_run, remove_stale_temporaries
from torchdojo.batch.pool import Job, Pool
from torchdojo.batch.shards import Shard
from torchdojo.batch.worker import Settings
from torchdojo.course import Course
from torchdojo.engine.report import Report
from torchdojo.engine.strict import require

SLACK = 60.0  # per learner, beyond the topics' budgets: pytest, references, sandbox starts
Event = Callable[[str, str, Report | None], None]  # ("start" | "done", learner, report)


@dataclass
class Batch:
    out: Output  # the output folder's batch: key, learners, records
    workers: int
    learners: list[str]  # this run's learners (its shard), sorted
    todo: list[tuple[str, Path, Submission]]  # learners to grade, with what they submitted
    kept: list[str] = field(default_factory=list)  # complete from an earlier run (--resume)
    allow_weaker: tuple[str, ...] = ()  # strict: the confinements the caller waived
    seconds: float = 0.0
    signum: int = 0  # the signal that stopped the run early (0: it ran to the end)
    submissions: Path | None = None  # the folder of learner folders: nothing below it is followed

    @property
    def output(self) -> Path:
        return self.out.path

    @property
    def seed(self) -> int:
        return self.out.key.seed

    @property
    def topics(self) -> tuple[str, ...]:
        return self.out.key.topics

    @property
    def gradebook(self) -> Path:
        return self.out.gradebook

    @property
    def errors(self) -> list[str]:
        """This run's learners without a trustworthy grade (they need a regrade)."""
        return [name for name in self.learners
                if self.out.state(name) in (records.NEEDS_REGRADE, records.PENDING)]

    @property
    def unfinished(self) -> list[str]:
        return [name for name in self.learners if self.out.state(name) == records.PENDING]


def learner_budget(course: Course, timeout_scale: float = 1.0,
                   topics: Sequence[str] = ()) -> float:
    """The longest one learner may take: every graded topic's time budget, plus slack."""
    return sum(t.time_budget for t in course.select(topics)) * timeout_scale + SLACK


def prepare(course: Course, submissions: Path, output: Path, *, workers: int | None = None,
            topics: Sequence[str] = (), seed: int | None = None, strict: bool = False,
            allow_weaker: Sequence[str] = (), shard: Shard | None = None, resume: bool = False,
            interrupt: Interrupt | None = None) -> Batch:
    """Find this run's learners, open the output folder and decide who is graded.

    ``strict`` refuses (``StrictRefused``) before any worker starts where a confinement it
    promises is not available here and ``allow_weaker`` does not name it.
    """
    check = (interrupt or Interrupt()).check
    submissions = Path(submissions).absolute()  # learners' paths are below it, as named
    selected = [t.name for t in course.select(topics)]  # an unknown topic fails here
    waived = require(allow_weaker) if strict else ()
    found = [(n, p) for n, p in find_learners(submissions, Path(output))
             if shard is None or shard.holds(n)]
    prepare_output(Path(output))
    remove_stale_temporaries(Path(output))
    out = open_for_run(course, Path(output), seed, strict, selected, shard, waived)
    out.load_records(records.course_points(course, selected), check=check)
    out.add_learners(n for n, _ in found)
    todo, kept = [], []
    for name, folder in found:
        check()
        submission = submission_digest(course, folder, selected, within=submissions)
        record = out.records.get(name)
        if resume and record is not None and records.reusable(record, submission):
            kept.append(name)
        else:
            todo.append((name, folder, submission))
    out.write_manifest()
    out.write_gradebook()
    return Batch(out, min(workers or default_workers(), max(len(todo), 1)),
                 [n for n, _ in found], todo, kept, allow_weaker=waived, submissions=submissions)


def run(course: Course, batch: Batch, *,
        timeout_scale: float = 1.0, budget: float | None = None,
        on_event: Event | None = None, interrupt: Interrupt | None = None) -> Batch:
    """Grade ``batch.todo``; stops early (``batch.signum``) when ``interrupt`` asks."""
    out = batch.out
    strict = out.key.tier == "strict"
    settings = Settings(root=str(course.root), seed=out.key.seed, topics=out.key.topics,
                        strict=strict, allow_weaker=batch.allow_weaker,
                        timeout_scale=timeout_scale,
                        submissions=str(batch.submissions) if batch.submissions else None)
    pool = Pool(settings, batch.workers,
                budget or learner_budget(course, timeout_scale, out.key.topics),
                lambda why: fault_report(course, out.key.seed, strict, why, out.key.topics),
                log_dir=out.path / "logs")
    notify = on_event or (lambda kind, learner, report: None)
    submitted = {name: submission for name, _, submission in batch.todo}

    def done(job: Job, report: Report) -> None:
        out.save(job.learner, records.build(job.learner, report, out.key,
                                            submitted[job.learner]))
        notify("done", job.learner, report)

    started = time.perf_counter()
    try:
        if batch.todo:
            pool.run([Job(name, folder) for name, folder, _ in batch.todo],
                     done, lambda job: notify("start", job.learner, None), interrupt)
    except Interrupted:
        batch.signum = interrupt.signum if interrupt else 0
    finally:
        batch.seconds = time.perf_counter() - started
        out.write_gradebook()
    return batch


def grade_batch(course: Course, submissions: Path, output: Path, *, workers: int | None = None,
                topics: Sequence[str] = (), seed: int | None = None, strict: bool = False,
                allow_weaker: Sequence[str] = (), shard: Shard | None = None,
                resume: bool = False, timeout_scale: float = 1.0,
                budget: float | None = None, on_event: Event | None = None) -> Batch:
    """Grade every learner folder of ``submissions`` (of ``shard``) into ``output``.

    Ctrl-C or SIGTERM stops it within a second: the workers and their sandboxes are stopped,
    what finished is saved, and ``batch.signum`` says which signal came.
    """
    with Interrupt() as interrupt:
        try:
            batch = prepare(course, submissions, output, workers=workers, topics=topics,
                            seed=seed, strict=strict, allow_weaker=allow_weaker,
                            shard=shard, resume=resume, interrupt=interrupt)
        except Interrupted:
            raise KeyboardInterrupt from None  # nothing was graded yet
        return run(course, batch, timeout_scale=timeout_scale, budget=budget,
                   on_event=on_event, interrupt=interrupt)
