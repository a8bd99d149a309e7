"""Grade a folder of learners' submissions: reports and a gradebook written as learners finish.

Every learner's JSON report is written atomically the moment it is graded, and the gradebook
is rewritten (atomically) after each one, with ungraded learners marked ``pending``: stopping
a batch half-way never loses the work already done.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from torchdojo.batch.faults import fault_report
from torchdojo.batch.inputs import default_workers, find_learners, prepare_output
from torchdojo.batch.pool import Job, Pool
from torchdojo.batch.worker import Settings
from torchdojo.course import Course
from torchdojo.engine.report import Report
from torchdojo.engine.run import new_seed
from torchdojo.engine.strict import require
from torchdojo.files import write_atomically
from torchdojo.reporters import gradebook
from torchdojo.submission import locate

SLACK = 60.0  # per learner, beyond the topics' budgets: pytest, references, sandbox starts
Event = Callable[[str, str, Report | None], None]  # ("start" | "done", learner, report)


@dataclass
class Batch:
    output: Path
    seed: int
    workers: int
    learners: list[str]
    topics: list[str]  # the gradebook's columns, in course order
    reports: dict[str, Report] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def gradebook(self) -> Path:
        return self.output / "gradebook.csv"

    @property
    def errors(self) -> list[str]:
        """Learners without a trustworthy grade (they need a regrade)."""
        return [name for name in self.learners
                if name not in self.reports or self.reports[name].fault]


def learner_budget(course: Course, timeout_scale: float = 1.0,
                   topics: Sequence[str] = ()) -> float:
    """The longest one learner may take: every graded topic's time budget, plus slack."""
    return sum(t.time_budget for t in course.select(topics)) * timeout_scale + SLACK


def grade_batch(course: Course, submissions: Path, output: Path, *, workers: int | None = None,
                topics: Sequence[str] = (), seed: int | None = None, strict: bool = False,
                allow_weaker: Sequence[str] = (), timeout_scale: float = 1.0,
                budget: float | None = None, on_event: Event | None = None) -> Batch:
    """Grade every learner folder of ``submissions`` into ``output``; see the module notes.

    ``strict`` refuses (``StrictRefused``) before any worker starts where a confinement it
    promises is not available here and ``allow_weaker`` does not name it.
    """
    selected = [t.name for t in course.select(topics)]  # an unknown topic fails here
    waived = require(allow_weaker) if strict else ()
    learners = find_learners(Path(submissions), Path(output))
    prepare_output(Path(output))
    batch = Batch(Path(output), new_seed() if seed is None else seed,
                  min(workers or default_workers(), len(learners)), [n for n, _ in learners],
                  selected)
    settings = Settings(root=str(course.root), seed=batch.seed, topics=tuple(selected),
                        strict=strict, allow_weaker=waived, timeout_scale=timeout_scale)
    pool = Pool(settings, batch.workers, budget or learner_budget(course, timeout_scale, selected),
                lambda why: fault_report(course, batch.seed, strict, why, selected),
                log_dir=batch.output / "logs")
    notify = on_event or (lambda kind, learner, report: None)

    def done(job: Job, report: Report) -> None:
        batch.reports[job.learner] = report
        _save(course, batch, job.learner, report)
        notify("done", job.learner, report)

    _write_gradebook(course, batch)
    started = time.perf_counter()
    try:
        pool.run([Job(name, locate(course, folder)) for name, folder in learners], done,
                 lambda job: notify("start", job.learner, None))
    finally:
        batch.seconds = time.perf_counter() - started
        _write_gradebook(course, batch)
    return batch


def _save(course: Course, batch: Batch, learner: str, report: Report) -> None:
    data = {"learner": learner, **report.to_dict()}
    report_file = batch.output / "reports" / f"{learner}.json"
    write_atomically(report_file, json.dumps(data, indent=2) + "\n")
    _write_gradebook(course, batch)


def _write_gradebook(course: Course, batch: Batch) -> None:
    rows = [(name, batch.reports.get(name)) for name in batch.learners]
    write_atomically(batch.gradebook, gradebook.render(rows, batch.topics))
