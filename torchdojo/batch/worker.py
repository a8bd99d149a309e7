"""A batch worker: a grading process that imports torch once and grades learner after learner.

It is an ordinary grading process (learner code only ever runs in the sandboxes it forks from
its own fork server), so a learner's crash, hang or exit costs that learner's topics only. The
pool kills and replaces a worker that dies or overruns a learner's budget. Sandboxes are
confined even without ``--strict`` (a *guard*: a control group for their memory, processes
and teardown, resource limits, signals scoped to their own processes), so that one learner
cannot stop or starve the others.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Settings:
    root: str  # the course folder
    seed: int
    topics: tuple[str, ...] = ()  # the topics to grade (default: every topic)
    strict: bool = False
    allow_weaker: tuple[str, ...] = ()  # strict: the confinements the caller waived
    timeout_scale: float = 1.0
    threads: int = 1
    log: str | None = None  # where this worker's own stdout and stderr go
    submissions: str | None = None  # the folder of learner folders: nothing below it is followed
    private: tuple[str, ...] = ()  # strict: paths kept out of every sandbox's sight


def serve(conn: Any, settings: Settings) -> None:
    """Entry point of a worker process: grade each (learner, folder, topics) it is sent until
    told to stop; no topics means the settings' topics."""
    _detach()
    _redirect(settings.log)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's to handle
    from torchdojo.sandbox import forkserver

    forkserver.start()  # its torch import runs beside ours
    from torchdojo import course as course_mod
    from torchdojo.engine.grading import grade
    from torchdojo.intake import read_submission

    course = course_mod.load(Path(settings.root))
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            job = None  # the pool is gone
        if job is None:  # sandboxes are closed after each learner: nothing is left to do
            from torchdojo.quick_exit import quick_exit

            quick_exit(0)
        learner, folder, topics = job
        topics = topics or settings.topics
        try:
            names = [t.name for t in course.select(topics)]
            within = Path(settings.submissions) if settings.submissions else None
            submission = read_submission(Path(folder), names, within=within)
            report = grade(course, topics, submission=submission, seed=settings.seed,
                           threads=settings.threads, strict=settings.strict,
                           allow_weaker=settings.allow_weaker, guard=True,
                           private=settings.private,
                           timeout_scale=settings.timeout_scale)
        except Exception as exc:  # a grader bug must cost this learner only
            from torchdojo.batch.faults import fault_report

            report = fault_report(course, settings.seed, settings.strict,
                                  f"grading raised {type(exc).__name__}: {exc}", topics)
        conn.send(("done", learner, report))


def _detach() -> None:
    """Leave the terminal's process group, so that Ctrl-C reaches the batch alone and never
    the sandboxes of a learner being graded (a sandbox killed by it would cost that learner
    points); and be told to stop (SIGTERM) if the batch dies without stopping us."""
    if hasattr(os, "setpgid"):
        os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        from torchdojo.batch.orphans import prctl

        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _redirect(log: str | None) -> None:
    """Keep the parent's terminal for its progress display; our own output goes to a log."""
    target = os.open(log or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(target, 1)
    os.dup2(target, 2)
    os.close(target)


def _stop(signum: int, frame: Any) -> None:
    """Asked to stop (a learner overran its budget): kill our sandboxes first, then exit."""
    from torchdojo.sandbox import host

    host._close_all()
    os._exit(128 + signum)
