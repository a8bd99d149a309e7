"""A pool of batch workers with a deadline per learner, replacing any worker that dies.

``concurrent.futures`` would give up on the whole pool when one worker dies; here a dead or
overrunning worker costs only the learner it was grading, who gets a report saying why (an
error row in the gradebook, never a missing one), and a fresh worker takes its place.

Asked to stop (Ctrl-C, SIGTERM), the pool wakes at once, keeps the results that had arrived,
and stops every worker within a fraction of a second: a worker closes its sandboxes when
terminated; one that does not exit in time is killed, and what it leaves behind is adopted and
killed as an orphan (``orphans``). Learners that were being graded are simply not done.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.util
import pickle
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from torchdojo.batch.interrupt import Interrupt, Interrupted
from torchdojo.batch.orphans import Orphans
from torchdojo.batch.worker import Settings, serve
from torchdojo.engine.report import Report
from torchdojo.sandbox import forkserver
from torchdojo.sandbox.channel import Channel, Stalled, TooLarge
from torchdojo.sandbox.host import _exit_text

_CTX = multiprocessing.get_context("spawn")  # a clean interpreter: no state from this process
START_TIMEOUT = 300.0  # importing torch on a busy machine
START_ATTEMPTS = 3  # workers that fail to start in a row before the batch gives up
STOP_GRACE = 5.0
SEND_TIMEOUT = 5.0  # a job is a few hundred bytes: a worker that cannot take it is stuck
MESSAGE_LIMIT = 256 * 2**20  # a report; learner text in it is capped far below this
STOP_NOW = 0.5  # once a stop was requested: the time workers get to close their sandboxes


@dataclass(frozen=True)
class Job:
    learner: str
    folder: Path
    topics: tuple[str, ...] = ()  # the topics this learner is graded on (default: the pool's)


Fault = Callable[[str], Report]  # builds the report of a learner that could not be graded


class _Worker:
    def __init__(self, number: int, settings: Settings, log_dir: Path | None) -> None:
        log = str(log_dir / f"worker-{number}.log") if log_dir else None
        # multiprocessing's folder (fork-server sockets) is made here first, so every worker
        # inherits it instead of making its own: this process removes it when it ends, where
        # a worker that is killed, or stopped by a signal, would leave its own behind.
        multiprocessing.util.get_temp_dir()
        self.conn, child_conn = _CTX.Pipe()
        self.proc = _CTX.Process(target=serve, args=(child_conn, replace(settings, log=log)),
                                 name=f"torchdojo-batch-worker-{number}")
        with forkserver.main_hidden():
            self.proc.start()
        child_conn.close()
        # A worker is trusted code, but its learner can stop it (SIGSTOP) half-way through a
        # message: every read and write has a deadline, and reading never blocks the pool.
        self.channel = Channel(self.conn, MESSAGE_LIMIT)
        self.ready = False
        self.job: Job | None = None
        self.deadline = time.monotonic() + START_TIMEOUT

    def give(self, job: Job, budget: float) -> None:
        self.job = job
        self.deadline = time.monotonic() + budget
        with contextlib.suppress(EOFError, Stalled):  # then it is lost: see Pool._service
            message = (job.learner, str(job.folder), job.topics)
            self.channel.send(pickle.dumps(message), SEND_TIMEOUT)

    def messages(self) -> list[Any]:
        """What the worker has said since last asked; never waits for more."""
        found = []
        with contextlib.suppress(EOFError, TooLarge, pickle.UnpicklingError):
            while (data := self.channel.poll()) is not None:
                found.append(pickle.loads(data))  # a worker is our own code: pickle is safe
        return found

    def stop(self, gently: bool = True) -> None:
        """Ask first (the worker then kills its sandboxes), then insist."""
        if gently:
            with contextlib.suppress(EOFError, Stalled):
                self.channel.send(pickle.dumps(None), SEND_TIMEOUT)
            self.proc.join(STOP_GRACE)
        if self.proc.is_alive():
            self.proc.terminate()  # SIGTERM: the worker closes its sandboxes and exits
            self.proc.join(STOP_GRACE)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(STOP_GRACE)
        self.conn.close()

    def terminate(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            self.proc.terminate()

    def exit_text(self) -> str:
        self.proc.join(1)
        return _exit_text(self.proc.exitcode)


class Pool:
    """Grade ``jobs`` with ``size`` workers; each learner gets at most ``budget`` seconds."""

    def __init__(self, settings: Settings, size: int, budget: float, fault: Fault,
                 log_dir: Path | None = None) -> None:
        self.settings = settings
        self.size = max(1, size)
        self.budget = budget
        self.fault = fault
        self.log_dir = log_dir
        self._started = 0
        self._failed_starts = 0
        self.interrupt = Interrupt()  # not entered: never asks to stop

    def run(self, jobs: list[Job], done: Callable[[Job, Report], None],
            begun: Callable[[Job], None] = lambda job: None,
            interrupt: Interrupt | None = None) -> None:
        """Grade ``jobs``; raises ``Interrupted`` (after stopping every worker) when
        ``interrupt`` asks to stop."""
        pending = deque(jobs)
        self.interrupt = interrupt or Interrupt()
        with Orphans() as orphans:
            workers = [self._spawn() for _ in range(min(self.size, len(jobs)))]
            try:
                self._loop(workers, pending, done, begun, orphans)
            except Interrupted:
                self._keep_arrived(workers, done)
                _stop_now(workers)
                raise
            finally:
                for worker in workers:
                    worker.stop(gently=worker.job is None)

    def _loop(self, workers: list[_Worker], pending: deque, done: Callable[[Job, Report], None],
              begun: Callable[[Job], None], orphans: Orphans) -> None:
        while workers and (pending or any(w.job for w in workers)):
            for worker in workers:
                if worker.ready and worker.job is None and pending:
                    self.interrupt.check()
                    job = pending.popleft()
                    begun(job)
                    worker.give(job, self.budget)
            self._wait(workers)
            self.interrupt.check()
            for worker in list(workers):
                if not self._service(worker, done):
                    workers.remove(worker)
                    if self._failed_starts >= START_ATTEMPTS:
                        self._give_up(pending, done)
                    elif pending or worker.job:
                        workers.append(self._spawn())
            orphans.sweep(w.proc.pid for w in workers)

    def _spawn(self) -> _Worker:
        self._started += 1
        return _Worker(self._started, self.settings, self.log_dir)

    def _wait(self, workers: list[_Worker]) -> None:
        nearest = min(w.deadline for w in workers)
        objects: list[Any] = [w.conn for w in workers] + [w.proc.sentinel for w in workers]
        if self.interrupt.fd >= 0:
            objects.append(self.interrupt.fd)
        wait(objects, timeout=max(0.0, nearest - time.monotonic()))
        self.interrupt.drain()

    @staticmethod
    def _keep_arrived(workers: list[_Worker], done: Callable[[Job, Report], None]) -> None:
        """Results already sent when the stop came are finished work: record them."""
        for worker in workers:
            with contextlib.suppress(EOFError, OSError):
                while worker.job is not None and worker.conn.poll():
                    message = worker.conn.recv()
                    if message[0] == "done":
                        job, worker.job = worker.job, None
                        done(job, message[2])

    def _service(self, worker: _Worker, done: Callable[[Job, Report], None]) -> bool:
        """Handle what the worker said or did; False when it is gone and must be replaced."""
        for message in worker.messages():
            if message[0] == "ready":
                worker.ready = True
                self._failed_starts = 0
            elif message[0] == "done" and worker.job is not None:
                job, worker.job = worker.job, None
                done(job, message[2])
        if not worker.proc.is_alive():
            self._lost(worker, f"its grading worker {worker.exit_text()}", done)
            return False
        if time.monotonic() > worker.deadline:
            doing = "grading" if worker.job else "starting"
            worker.stop(gently=False)
            self._lost(worker, f"{doing} took longer than its budget of "
                               f"{self.budget if worker.job else START_TIMEOUT:.0f} s", done)
            return False
        return True

    def _lost(self, worker: _Worker, why: str, done: Callable[[Job, Report], None]) -> None:
        if not worker.ready:
            self._failed_starts += 1
        if worker.job is not None:
            job, worker.job = worker.job, None
            done(job, self.fault(f"{why}; regrade this learner alone with `torchdojo grade "
                                 f"--submission {job.folder}`"))
        worker.conn.close()

    def _give_up(self, pending: deque, done: Callable[[Job, Report], None]) -> None:
        while pending:
            done(pending.popleft(), self.fault("no grading worker could start"))


def _stop_now(workers: list[_Worker]) -> None:
    """Terminate every worker at once (each closes its sandboxes), then kill the slow ones."""
    for worker in workers:
        worker.terminate()
    deadline = time.monotonic() + STOP_NOW
    for worker in workers:
        worker.proc.join(max(0.0, deadline - time.monotonic()))
    slow = [worker for worker in workers if worker.proc.is_alive()]
    for worker in slow:  # what they leave behind is swept as orphans
        worker.proc.kill()
    for worker in slow:
        worker.proc.join(STOP_NOW)
    for worker in workers:
        worker.job = None  # so that the final stop does not wait on it
