"""Crews: the same forked ranks run several distributed jobs, one after the other.

Starting a rank (a fork of the sandbox, and its exit) is most of what a small distributed job
costs: every page a fresh rank writes is copied first. A crew forks its ranks once and runs a
queue of jobs on them. Between two jobs each rank puts back what a job may change and the next
must not see (the learner module's names, the random generators, grad mode, the default dtype,
the environment, the working folder, the process group) and starts a new output file. A job
that does not end cleanly on every rank (learner code raised, a rank died, hung or could not
leave its process group) ends its crew: the jobs after it start on fresh ranks, so one learner
function's failure never reaches another job's records.

The sandbox drives its crews (``drive``): each rank reports on a pipe when it has finished a
job, and waits for a go-ahead before the next one. Every job has its own deadline, counted from
its start; ranks still running it then are killed. Ranks run learner code, which could write on
those pipes too: that can only end a job early (its records then miss steps), and every wait is
bounded by the jobs' deadlines.

A rank flushes what it printed before it reports, so a job's records and output are whole once
every rank has reported it: after a crew's last job went cleanly its ranks are told to stop and
not waited for (tearing down a process with torch loaded takes milliseconds); the next ``drive``
reaps them.
"""

from __future__ import annotations

import os
import random
import select
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import torch

from torchdojo.sandbox.child import describe_exception
from torchdojo.sandbox.forks import exit_name, fork, pidfd, wait

DEADLINE = 20.0  # seconds a job's ranks may run before they are killed
GROUP_TIMEOUT = 5.0  # seconds a collective waits in a group that trusted code starts
CLEAN, TROUBLED, GO, STOP = b"+", b"-", b"g", b"s"
REPORTS_KEPT = 1024  # bytes of reports read from a rank: learner code could write many


@dataclass
class Work:
    """One distributed job: ``target(rank)`` on every rank, then ``finish(ranks)`` here, with
    what each rank recorded, gives the job's result. ``envs`` adds environment variables per
    rank for the job; ``close`` releases what the job holds here (a rendezvous store)."""

    target: Callable[[Any], Any]
    envs: list[dict[str, str]] | None = None
    group_timeout: float = GROUP_TIMEOUT
    finish: Callable[[list[dict]], Any] = field(default=lambda ranks: ranks)
    close: Callable[[], None] = field(default=lambda: None)


class Ranks(Protocol):
    """What a crew needs to know about its ranks."""

    def prepare(self, r: int, folder: str) -> None:
        """Set rank ``r`` up (in the rank, once, before its first job); ``folder`` is the
        crew's."""

    def make(self, r: int, folder: str, work: Work) -> Any:
        """Rank ``r``'s view of one job (in the rank): it has ``record``, ``learner_file`` and
        ``troubled`` (learner code raised)."""

    def collect(self, folder: str, r: int, fate: str) -> dict:
        """What rank ``r`` recorded for one job, once the job is over (in the sandbox)."""

# fds the sandbox holds for its crews: a new rank closes them first, so a rank never holds
# another rank's pipe open
_HELD: set[int] = set()
# ranks told to stop after a clean last job, not waited for: reaped by the next ``drive``
_LEAVING: set[int] = set()


@dataclass
class Member:
    """One rank of a crew, as the sandbox sees it."""

    pid: int
    reports: int  # the read end of the rank's pipe to the sandbox (non-blocking)
    orders: int  # the write end of the sandbox's pipe to the rank
    exited: int | None  # a pidfd, readable once the rank has exited; None where there are none
    said: bytes = b""  # one report per finished job
    fate: str | None = None  # "ok", "exit N", a signal's name, "killed"; None while it runs

    def fds(self) -> list[int]:
        return [fd for fd in (self.reports, self.exited) if fd is not None]

    def listen(self) -> None:
        """Read the reports that arrived; notice an exit."""
        with suppress(BlockingIOError, OSError):
            while chunk := os.read(self.reports, 256):
                self.said = (self.said + chunk)[:REPORTS_KEPT]
        if self.fate is None:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.fate = exit_name(status)

    def tell(self, order: bytes) -> None:
        with suppress(OSError):
            os.write(self.orders, order)

    def kill(self) -> None:
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        self.fate = "killed"

    def close(self) -> None:
        for fd in (self.reports, self.orders, self.exited):
            if fd is not None:
                _HELD.discard(fd)
                with suppress(OSError):
                    os.close(fd)


class Crew:
    """Ranks that run a queue of jobs in turn, starting afresh after a job that went wrong."""

    def __init__(self, queue: list[tuple[str, Work]], *, world_size: int, deadline: float,
                 module: ModuleType | None, ranks: Ranks) -> None:
        self.queue = queue
        self.world_size = world_size
        self.deadline = deadline
        self.module = module
        self.ranks = ranks
        self.next = 0  # the job the ranks run now
        self.first = 0  # the first job of the current ranks
        self.members: list[Member] = []
        self.folder = ""
        self.end = 0.0  # time.monotonic() past which the current job's ranks are killed

    @property
    def done(self) -> bool:
        return self.next >= len(self.queue)

    def begin(self) -> None:
        """Fork fresh ranks for the jobs not run yet."""
        self.first = self.next
        self.folder = tempfile.mkdtemp(prefix="ranks-", dir=os.getcwd())
        folders = [str(Path(self.folder, str(j))) for j in range(len(self.queue) - self.first)]
        for path in folders:
            os.mkdir(path)
        self.end = time.monotonic() + self.deadline
        try:
            for r in range(self.world_size):
                self.members.append(self._fork(r, folders))
        except BaseException:  # the ranks started so far are stopped, their folder removed
            self.stop()
            raise

    def _fork(self, r: int, folders: list[str]) -> Member:
        report_r, report_w = os.pipe()
        order_r, order_w = os.pipe()
        os.set_blocking(report_r, False)
        _HELD.update((report_r, order_w))  # the rank closes them (and any other rank's)
        queue = [work for _, work in self.queue[self.first:]]
        try:
            pid = fork(lambda: _rank_loop(r, queue, folders, report_w, order_r, self.module,
                                          self.ranks),
                       Path(folders[0], f"rank{r}.out"))
        except BaseException:
            for fd in (report_r, order_w):
                _HELD.discard(fd)
                os.close(fd)
            raise
        finally:
            os.close(report_w)
            os.close(order_r)
        member = Member(pid, report_r, order_w, pidfd(pid))
        if member.exited is not None:
            _HELD.add(member.exited)
        return member

    def fds(self) -> list[int]:
        return [fd for m in self.members if m.fate is None for fd in m.fds()]

    def left(self) -> float:
        return self.end - time.monotonic()

    def advance(self) -> dict[str, list[dict]]:
        """When the current job is over on every rank, or past its deadline: what its ranks
        recorded, and the crew goes on to the next job (on fresh ranks if it went wrong)."""
        if self.done:
            return {}
        job = self.next - self.first
        for member in self.members:
            member.listen()
        over = [len(m.said) > job or m.fate is not None for m in self.members]
        if not all(over) and self.left() > 0:
            return {}
        clean = all(m.said[job:job + 1] == CLEAN and m.fate is None for m in self.members)
        name = self.queue[self.next][0]
        folder = str(Path(self.folder, str(job)))
        if clean:  # every rank finished the job and wrote all it will: its records are whole
            found = [self.ranks.collect(folder, r, "ok") for r in range(self.world_size)]
            self.next += 1
            if self.done:
                self._dismiss()
            else:
                for member in self.members:
                    member.tell(GO)
                self.end = time.monotonic() + self.deadline
            return {name: found}
        fates = self._finish(over)
        try:
            found = [self.ranks.collect(folder, r, fate) for r, fate in enumerate(fates)]
        finally:
            self.stop()
        self.next += 1
        if not self.done:
            self.begin()
        return {name: found}

    def _finish(self, over: list[bool]) -> list[str]:
        """The ranks' fates once the job is over: ranks that finished it are told to stop and
        exit; ranks still running it at its deadline are killed."""
        for member, finished in zip(self.members, over, strict=True):
            if member.fate is None:
                if finished:
                    member.tell(STOP)
                else:
                    member.kill()
        running = [m.pid for m in self.members if m.fate is None]
        fates = wait(running, max(self.end, time.monotonic() + 1.0)) if running else {}
        for member in self.members:
            if member.fate is None:
                member.fate = fates[member.pid]
        return [m.fate or "killed" for m in self.members]

    def _dismiss(self) -> None:
        """After a clean last job: tell the ranks to stop, and go on without waiting for their
        exits (a process with torch loaded takes milliseconds to tear down)."""
        for member in self.members:
            member.tell(STOP)
            _LEAVING.add(member.pid)
            member.fate = "ok"
        self.stop()

    def stop(self) -> None:
        """Kill what still runs and clean up (the crew is over, or could not start)."""
        for member in self.members:
            if member.fate is None:
                member.kill()
            member.close()
        self.members = []
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = ""


def drive(crews: list[Crew]) -> dict[str, list[dict]]:
    """Run every crew's jobs, the crews side by side; what each job's ranks recorded."""
    found: dict[str, list[dict]] = {}
    _reap()
    try:
        for crew in crews:
            if not crew.done and not crew.members:  # not begun yet
                crew.begin()
        while not all(crew.done for crew in crews):
            _wait_for_news([c for c in crews if not c.done])
            for crew in crews:
                found.update(crew.advance())
    finally:
        for crew in crews:
            crew.stop()
    return found


def _reap() -> None:
    """Reap the dismissed ranks that have exited; kill those that did not (learner threads
    cannot hold up ``os._exit``, but a rank stopped by a signal could)."""
    for pid in list(_LEAVING):
        with suppress(ChildProcessError):
            if not os.waitpid(pid, os.WNOHANG)[0]:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        _LEAVING.discard(pid)


def _wait_for_news(crews: list[Crew]) -> None:
    """Until a rank reports or exits, or a job's deadline comes."""
    left = max(0.0, min(crew.left() for crew in crews))
    fds = [fd for crew in crews for fd in crew.fds()]
    exits_heard = all(m.exited is not None for c in crews for m in c.members)
    if not exits_heard:  # no pidfds (before Linux 5.3): look again soon
        left = min(left, 0.005)
    if fds:
        waiting = select.poll()  # not select(): learner code may hold fds past 1024
        for fd in fds:
            waiting.register(fd, select.POLLIN)
        waiting.poll(left * 1000)
    else:
        time.sleep(left)


# ----------------------------------------------------------------------------- in the rank


def _rank_loop(r: int, queue: list[Work], folders: list[str], reports: int, orders: int,
               module: ModuleType | None, ranks: Ranks) -> None:
    """Run the jobs of ``queue`` in turn, reporting each, until told to stop."""
    for fd in _HELD:
        with suppress(OSError):
            os.close(fd)
    try:
        ranks.prepare(r, str(Path(folders[0]).parent))
    except Exception as exc:  # recorded as the first job's: its ranks could not start
        ranks.make(r, folders[0], queue[0]).record(
            "__rank__", error=describe_exception(exc, ""))
        return
    baseline = Baseline.take(module)
    for job, work in enumerate(queue):
        if job:
            _output_to(Path(folders[job], f"rank{r}.out"))
            baseline.restore()
        if work.envs:
            os.environ.update(work.envs[r])
        torch.set_num_threads(1)  # ranks share the cores; results do not depend on threads
        rank = ranks.make(r, folders[job], work)
        clean = _run(work.target, rank)
        clean = _leave_group() and clean and not rank.troubled
        sys.stdout.flush()  # all the job printed is in its file once the sandbox hears of it
        sys.stderr.flush()
        try:
            os.write(reports, CLEAN if clean else TROUBLED)
        except OSError:
            return
        # Even after its last job a rank waits to be told: rank 0 hosts the crew's store,
        # which the others may still be using to finish the job.
        if _order(orders) != GO:
            return


def _run(target: Callable[[Any], Any], rank: Any) -> bool:
    try:
        target(rank)
        return True
    except BaseException as exc:  # SystemExit and KeyboardInterrupt are learner errors too
        rank.record("__rank__", error=describe_exception(exc, rank.learner_file))
        return False


def _leave_group() -> bool:
    """Destroy the default process group, if one is left: the next job starts its own."""
    import torch.distributed as dist

    try:
        if dist.is_initialized():
            dist.destroy_process_group()
        return True
    except Exception:
        return False


def _order(orders: int) -> bytes:
    try:
        return os.read(orders, 1)
    except OSError:
        return STOP


def _output_to(path: Path) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)


@dataclass
class Baseline:
    """What a job may change in its rank and the next job must find as it was."""

    module: ModuleType | None
    names: dict
    environ: dict
    cwd: str
    rng: tuple
    grad: bool
    dtype: torch.dtype

    @classmethod
    def take(cls, module: ModuleType | None) -> Baseline:
        import numpy as np

        return cls(module, dict(vars(module)) if module else {}, dict(os.environ), os.getcwd(),
                   (torch.get_rng_state(), random.getstate(), np.random.get_state()),
                   torch.is_grad_enabled(), torch.get_default_dtype())

    def restore(self) -> None:
        import numpy as np

        if self.module is not None:
            names = vars(self.module)
            names.clear()
            names.update(self.names)
        os.environ.clear()
        os.environ.update(self.environ)
        with suppress(OSError):
            os.chdir(self.cwd)
        torch.set_rng_state(self.rng[0])
        random.setstate(self.rng[1])
        np.random.set_state(self.rng[2])
        torch.set_grad_enabled(self.grad)
        torch.set_default_dtype(self.dtype)
