"""Run a distributed job inside a sandbox: several forked ranks, a deadline, results as data.

A probe for ``torch.distributed`` calls ``run(target, ...)``, or ``start(target, ...)`` for
several jobs side by side (each ``wait()``-ed for in turn). Each rank is a fork of the sandbox
(``forks``), which already imported torch, so a rank starts in milliseconds where a spawned
interpreter takes seconds. Ranks meet through ``file://`` rendezvous files in the sandbox's
private working folder (no port to clash with other jobs), or, like ``torchrun``, through a
store that a separate agent process hosts on a free port (``torchrun_env``). What a rank records
goes through the wire format (JSON + safetensors) into a file that the probe reads back: never
pickle, and a rank that dies keeps what it recorded before. Ranks that outlive the deadline are
killed; a collective that only some ranks enter therefore ends, at the latest, at the deadline.
Everything here runs next to learner code, so the probe returns these records for the grading
process to judge.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import torch

from torchdojo.sandbox import wire
from torchdojo.sandbox.child import describe_exception
from torchdojo.sandbox.forks import decode, echo_output, encode, fork, read_limited, wait, write

STEPS_LIMIT = 64 * 1024
MAX_STEPS = 1000
DEADLINE = 20.0  # seconds a job's ranks may run before they are killed
GROUP_TIMEOUT = 5.0  # seconds a collective waits in a group that ``Rank.join`` starts


@dataclass
class Rank:
    """What a rank's code sees: who it is, the job's folder, and where to record results."""

    rank: int
    world_size: int
    folder: str
    learner_file: str
    group_timeout: float  # seconds a collective waits in groups that ``join`` creates
    store_timeout: float  # seconds a rendezvous waits for the other ranks
    recorded: list[str] = field(default_factory=list)

    def url(self, name: str) -> str:
        """A ``file://`` rendezvous URL, the same on every rank, unique to ``name``."""
        return Path(self.folder, f"store-{name}").as_uri()

    def join(self, name: str, backend: str = "gloo") -> None:
        """Start a default process group (trusted set-up) through its own rendezvous file.

        The store waits long for late ranks, so one rank's slow failure does not strand the
        others; collectives give up after ``group_timeout``. It returns once every rank is
        connected: gloo lets a rank out of ``init_process_group`` while the other may still be
        connecting to it, and a rank whose job needs no collective (a loader job) could exit
        meanwhile, failing the other's connection ("Connection closed by peer") on a busy
        machine, a verdict against the learner for trusted code's race.
        """
        import torch.distributed as dist

        store = dist.FileStore(str(Path(self.folder, f"store-{name}")), self.world_size)
        store.set_timeout(timedelta(seconds=self.store_timeout))
        dist.init_process_group(backend, store=store, rank=self.rank,
                                world_size=self.world_size,
                                timeout=timedelta(seconds=self.group_timeout))
        dist.barrier()

    def gather(self, name: str, value: Any) -> list:
        """Every rank's ``value`` (plain JSON data) for ``name``, in rank order, exchanged
        through files in the job's folder: trusted code's own collective, which needs no
        process group. A rank that never comes makes it fail after ``group_timeout``, as a
        collective would ("Timed out")."""
        write(self.folder, f"gather-{name}-{self.rank}", json.dumps(value).encode())
        paths = [Path(self.folder, f"gather-{name}-{r}") for r in range(self.world_size)]
        end = time.monotonic() + self.group_timeout
        while not all(p.exists() for p in paths):
            if time.monotonic() > end:
                raise RuntimeError(f"Timed out after {self.group_timeout:g} s waiting for the "
                                   f"other ranks in {name}")
            time.sleep(0.005)
        return [json.loads(p.read_bytes()) for p in paths]

    def attempt(self, fn: Callable, *args: Any, **kwargs: Any) -> tuple[Any, dict | None]:
        """Call learner code: ``(value, None)``, or ``(None, what it raised)``."""
        try:
            return fn(*args, **kwargs), None
        except BaseException as exc:  # SystemExit and KeyboardInterrupt are learner errors too
            return None, describe_exception(exc, self.learner_file)

    def record(self, step: str, **values: Any) -> None:
        """Keep ``values`` (plain data and tensors) as this rank's result for ``step``, now."""
        write(self.folder, f"rank{self.rank}-{len(self.recorded)}.rec", encode(values))
        self.recorded.append(step)
        write(self.folder, f"rank{self.rank}-steps.txt", "\n".join(self.recorded).encode())


def run(target: Callable[[Rank], Any], *, learner_file: str, world_size: int = 2,
        deadline: float = DEADLINE, group_timeout: float = GROUP_TIMEOUT,
        envs: list[dict[str, str]] | None = None) -> list[dict]:
    """Run ``target(rank)`` on ``world_size`` forked ranks and return what each recorded.

    Per rank: ``{"steps": {step: values}, "status": "ok" | "killed" | "died" | "raised",
    "exit": "ok", "exit 3", a signal name or "killed", "error": ..., "output": the tail of what
    it printed}``. ``status`` "raised" means ``target`` itself let an exception escape.
    ``envs`` adds environment variables per rank (see ``torchrun_env``).
    """
    return start(target, learner_file=learner_file, world_size=world_size, deadline=deadline,
                 group_timeout=group_timeout, envs=envs).wait()


def start(target: Callable[[Rank], Any], *, learner_file: str, world_size: int = 2,
          deadline: float = DEADLINE, group_timeout: float = GROUP_TIMEOUT,
          envs: list[dict[str, str]] | None = None) -> Job:
    """``run``, started: the ranks run while the caller starts other jobs; ``wait()`` returns
    what ``run`` returns. The deadline counts from now."""
    folder = tempfile.mkdtemp(prefix="ranks-", dir=os.getcwd())
    job = Job(folder, time.monotonic() + deadline)
    try:
        for r in range(world_size):
            job.pids.append(_fork_rank(target, Rank(r, world_size, folder, learner_file,
                                                    group_timeout, deadline),
                                       (envs or [{}] * world_size)[r]))
    except BaseException:  # the ranks started so far are killed, their folder removed
        job.end = time.monotonic()
        job.wait()
        raise
    return job


@dataclass
class Job:
    """Ranks under way: their folder, the moment they are killed, and their pids."""

    folder: str
    end: float  # time.monotonic() past which ranks still running are killed
    pids: list[int] = field(default_factory=list)

    def wait(self) -> list[dict]:
        """What each rank recorded, once all have exited or the deadline killed the rest."""
        try:
            fates = wait(self.pids, self.end)
            return [_collect(self.folder, r, fates[pid]) for r, pid in enumerate(self.pids)]
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _fork_rank(target: Callable[[Rank], Any], rank: Rank, env: dict[str, str]) -> int:
    def body() -> None:
        _prefer_loopback()
        _keep_shut_down_groups()
        torch.set_num_threads(1)  # two ranks share the cores; results do not depend on threads
        try:
            target(rank)
        except BaseException as exc:
            rank.record("__rank__", error=describe_exception(exc, rank.learner_file))

    return fork(body, Path(rank.folder, f"rank{rank.rank}.out"), env)


def _keep_shut_down_groups() -> None:
    """Keep every process group the rank shuts down referenced until the rank exits.

    A gloo group whose last reference goes after ``destroy_process_group()`` (a DDP model
    freed when the learner's function returns) can hang in its destructor once the other rank
    has exited: 17 times in 40 here. The rank ends with ``os._exit``, so keeping costs nothing.
    """
    from torch._C._distributed_c10d import ProcessGroup

    shutdown = ProcessGroup.shutdown
    kept: list = []

    def keep_then_shut_down(group: Any, *args: Any, **kwargs: Any) -> Any:
        kept.append(group)
        return shutdown(group, *args, **kwargs)

    ProcessGroup.shutdown = keep_then_shut_down


def _prefer_loopback() -> None:
    """Gloo connects ranks over TCP; on one machine the loopback interface always works."""
    if "GLOO_SOCKET_IFNAME" not in os.environ and "lo" in _interfaces():
        os.environ["GLOO_SOCKET_IFNAME"] = "lo"


def _interfaces() -> list[str]:
    import socket

    try:
        return [name for _, name in socket.if_nameindex()]
    except OSError:
        return []


def _collect(folder: str, rank: int, fate: str) -> dict:
    """What the rank recorded. Its files are read as learner files are (``intake``): a rank
    runs learner code, which can replace them with links, pipes or huge files."""
    steps: dict[str, Any] = {}
    names = read_limited(Path(folder, f"rank{rank}-steps.txt"), STEPS_LIMIT)
    recorded = names.decode("utf-8", "replace").splitlines()[:MAX_STEPS] if names else []
    for index, step in enumerate(recorded):
        value = decode(read_limited(Path(folder, f"rank{rank}-{index}.rec"),
                                    wire.MAX_MESSAGE_BYTES))
        if value is not None:
            steps[step] = value
    result: dict[str, Any] = {"steps": steps, "status": "ok", "exit": fate, "output": ""}
    escaped = steps.pop("__rank__", None)
    if escaped is not None:
        result.update(status="raised", error=escaped.get("error"))
    elif fate == "killed":
        result["status"] = "killed"
    elif fate != "ok":
        result["status"] = "died"
    result["output"] = echo_output(Path(folder, f"rank{rank}.out"), f"rank {rank}")
    return result


@contextmanager
def torchrun_env(world_size: int = 2, timeout: float = 10.0) -> Iterator[list[dict[str, str]]]:
    """The environment ``torchrun --standalone --nproc_per_node N`` gives its workers, per rank.

    As torchrun's agent does, a separate process hosts the rendezvous ``TCPStore`` on a port the
    operating system picks (so no fixed port can clash) and the workers connect to it as
    clients (``TORCHELASTIC_USE_AGENT_STORE=True``).
    """
    port, agent = _start_agent_store(timeout)
    try:
        common = {"MASTER_ADDR": "localhost", "MASTER_PORT": str(port),
                  "WORLD_SIZE": str(world_size), "LOCAL_WORLD_SIZE": str(world_size),
                  "GROUP_RANK": "0", "GROUP_WORLD_SIZE": "1", "ROLE_NAME": "default",
                  "ROLE_WORLD_SIZE": str(world_size), "TORCHELASTIC_RESTART_COUNT": "0",
                  "TORCHELASTIC_MAX_RESTARTS": "0", "TORCHELASTIC_RUN_ID": f"torchdojo-{port}",
                  "TORCHELASTIC_USE_AGENT_STORE": "True", "OMP_NUM_THREADS": "1"}
        yield [{**common, "RANK": str(r), "LOCAL_RANK": str(r), "ROLE_RANK": str(r)}
               for r in range(world_size)]
    finally:
        with suppress(ProcessLookupError):
            os.kill(agent, signal.SIGKILL)
        os.waitpid(agent, 0)


def _start_agent_store(timeout: float) -> tuple[int, int]:
    read, write = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            from torch.distributed import TCPStore

            store = TCPStore("localhost", 0, None, True, wait_for_workers=False,
                             timeout=timedelta(seconds=timeout))
            os.write(write, str(store.port).encode())
            os.close(write)
            while True:
                signal.pause()
        finally:
            os._exit(0)
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], timeout)
        text = os.read(read, 32).decode() if ready else ""
    finally:
        os.close(read)
    if not text.isdigit():
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise RuntimeError("the rendezvous store for torchrun's environment did not start")
    return int(text), pid
