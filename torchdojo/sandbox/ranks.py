"""Run distributed jobs inside a sandbox: forked ranks, deadlines, results as data.

A probe for ``torch.distributed`` calls ``run(target, ...)`` for one job, or ``run_jobs`` for
several: their ranks are ``crews`` that run a queue of jobs each, side by side (see ``crews``).
Each rank is a fork of the sandbox (``forks``), which already imported torch, so a rank starts
in milliseconds where a spawned interpreter takes seconds. Trusted code's ranks meet in a store
that the crew's rank 0 hosts on a port the system picks (``crew_store``); the learner's own
``setup`` meets through ``file://`` rendezvous files in the sandbox's private folder (``url``),
and a ``main`` meant for ``torchrun`` finds the environment torchrun would give it
(``torchrun_env``). What a rank records goes through the wire format (JSON + safetensors) into a
file that the probe reads back: never pickle, and a rank that dies keeps what it recorded
before. Ranks that outlive the deadline are killed; a collective that only some ranks enter
therefore ends, at the latest, at the deadline. Everything here runs next to learner code, so
the probe returns these records for the grading process to judge.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from torchdojo.sandbox import wire
from torchdojo.sandbox.child import describe_exception
from torchdojo.sandbox.crews import DEADLINE, GROUP_TIMEOUT, Crew, Work, drive
from torchdojo.sandbox.forks import decode, echo_output, encode, read_limited, write

__all__ = ["DEADLINE", "GROUP_TIMEOUT", "Rank", "Work", "run", "run_jobs", "start",
           "torchrun_variables"]

STEPS_LIMIT = 64 * 1024
MAX_STEPS = 1000


@dataclass
class Rank:
    """What a rank's code sees: who it is, the job's folder, and where to record results."""

    rank: int
    world_size: int
    folder: str
    learner_file: str
    group_timeout: float  # seconds a collective waits in groups that ``join`` creates
    store_timeout: float  # seconds a rendezvous waits for the other ranks
    store: Callable[[], Any]  # the crew's rendezvous store (``crew_store``)
    recorded: list[str] = field(default_factory=list)
    troubled: bool = False  # learner code raised: the crew starts afresh after this job
    agent_store: Any = None  # the rendezvous store of ``torchrun_env``, in rank 0

    def url(self, name: str) -> str:
        """A ``file://`` rendezvous URL, the same on every rank, unique to ``name``."""
        return Path(self.folder, f"store-{name}").as_uri()

    def join(self, name: str, backend: str = "gloo") -> None:
        """Start a default process group (trusted set-up), meeting in the crew's store.

        The store waits long for late ranks, so one rank's slow failure does not strand the
        others; collectives give up after ``group_timeout``. It returns once every rank is
        connected: gloo lets a rank out of ``init_process_group`` while the other may still be
        connecting to it, and a rank whose job needs no collective (a loader job) could exit
        meanwhile, failing the other's connection ("Connection closed by peer") on a busy
        machine, a verdict against the learner for trusted code's race.
        """
        import torch.distributed as dist

        keys = self._keys(f"join/{name}")
        # Every rank arrives first, waiting as long as a rendezvous may: a rank can start a
        # crew's first job seconds late on a busy machine, and the group's own rendezvous
        # would give up after group_timeout, a verdict against the learner for a slow start.
        keys.set(f"arrived/{self.rank}", "1")
        keys.wait([f"arrived/{r}" for r in range(self.world_size)],
                  timedelta(seconds=self.store_timeout))
        dist.init_process_group(backend, store=keys, rank=self.rank, world_size=self.world_size,
                                timeout=timedelta(seconds=self.group_timeout))
        dist.barrier()

    def gather(self, name: str, value: Any) -> list:
        """Every rank's ``value`` (plain JSON data) for ``name``, in rank order, exchanged
        through the crew's store: trusted code's own collective, which needs no process group.
        A rank that never comes makes it fail after ``group_timeout``, as a collective would
        ("Timed out")."""
        from torch.distributed import DistStoreError

        keys = self._keys(f"gather/{name}")
        keys.set(str(self.rank), json.dumps(value))
        ranks = [str(r) for r in range(self.world_size)]
        try:
            keys.wait(ranks, timedelta(seconds=self.group_timeout))
        except DistStoreError:
            raise RuntimeError(f"Timed out after {self.group_timeout:g} s waiting for the "
                               f"other ranks in {name}") from None
        return [json.loads(keys.get(r)) for r in ranks]

    def torchrun_env(self) -> dict[str, str]:
        """The environment ``torchrun --standalone`` gives this rank, for this job.

        As torchrun's agent does, a process apart from the learner's code hosts the job's own
        rendezvous ``TCPStore`` on a port the system picks (so no fixed port can clash), and the
        workers connect to it as clients (``TORCHELASTIC_USE_AGENT_STORE=True``). Here the agent
        is trusted code in rank 0: the store lives as long as this job's ``Rank``.
        """
        from torch.distributed import TCPStore

        keys = self._keys("torchrun")
        if self.rank == 0:
            self.agent_store = TCPStore("127.0.0.1", 0, None, True, wait_for_workers=False,
                                        timeout=timedelta(seconds=self.store_timeout))
            keys.set("port", str(self.agent_store.port))
        port = int(keys.get("port"))
        return torchrun_variables(self.rank, self.world_size, port)

    def _keys(self, name: str) -> Any:
        """This job's part of the crew's store, for ``name``."""
        from torch.distributed import PrefixStore

        return PrefixStore(f"torchdojo/{Path(self.folder).name}/{name}/", self.store())

    def attempt(self, fn: Callable, *args: Any, **kwargs: Any) -> tuple[Any, dict | None]:
        """Call learner code: ``(value, None)``, or ``(None, what it raised)``."""
        try:
            return fn(*args, **kwargs), None
        except BaseException as exc:  # SystemExit and KeyboardInterrupt are learner errors too
            self.troubled = True
            return None, describe_exception(exc, self.learner_file)

    def record(self, step: str, **values: Any) -> None:
        """Keep ``values`` (plain data and tensors) as this rank's result for ``step``, now."""
        write(self.folder, f"rank{self.rank}-{len(self.recorded)}.rec", encode(values))
        self.recorded.append(step)
        write(self.folder, f"rank{self.rank}-steps.txt", "\n".join(self.recorded).encode())


def run(target: Callable[[Rank], Any], *, learner_file: str, world_size: int = 2,
        deadline: float = DEADLINE, group_timeout: float = GROUP_TIMEOUT) -> list[dict]:
    """Run ``target(rank)`` on ``world_size`` forked ranks and return what each recorded.

    Per rank: ``{"steps": {step: values}, "status": "ok" | "killed" | "died" | "raised",
    "exit": "ok", "exit 3", a signal name or "killed", "error": ..., "output": the tail of what
    it printed}``. ``status`` "raised" means ``target`` itself let an exception escape.
    """
    return start(target, learner_file=learner_file, world_size=world_size, deadline=deadline,
                 group_timeout=group_timeout).wait()


def start(target: Callable[[Rank], Any], *, learner_file: str, world_size: int = 2,
          deadline: float = DEADLINE, group_timeout: float = GROUP_TIMEOUT) -> Job:
    """``run``, started: the ranks run while the caller starts other jobs; ``wait()`` returns
    what ``run`` returns. The deadline counts from now."""
    crew = Crew([("job", Work(target, group_timeout=group_timeout))], world_size=world_size,
                deadline=deadline, module=None, ranks=_Ranks(learner_file, world_size, deadline))
    crew.begin()
    return Job(crew)


@dataclass
class Job:
    """One job's ranks under way."""

    crew: Crew

    def wait(self) -> list[dict]:
        """What each rank recorded, once all have exited or the deadline killed the rest."""
        return drive([self.crew])["job"]


def run_jobs(works: dict[str, Work], *, crews: int, module: ModuleType, world_size: int = 2,
             deadline: float = DEADLINE) -> dict[str, Any]:
    """Run every job: ``crews`` crews side by side, the jobs dealt to them in the order given.
    Returns each job's ``finish(what each rank recorded)``; ``close`` is called for every job,
    whatever happens. Each job has ``deadline`` seconds from its own start, so the whole takes
    at most the longest crew's number of jobs times that."""
    names = list(works)
    ranks = _Ranks(module.__file__, world_size, deadline)
    try:
        teams = [Crew([(name, works[name]) for name in names[i::crews]], world_size=world_size,
                      deadline=deadline, module=module, ranks=ranks)
                 for i in range(min(crews, len(names)))]
        found = drive(teams)
        return {name: works[name].finish(found[name]) for name in names}
    finally:
        for work in works.values():
            with suppress(Exception):
                work.close()


@dataclass
class _Ranks:
    """How the ranks of these jobs are set up, made and read (``crews.Ranks``)."""

    learner_file: str
    world_size: int
    deadline: float

    store: Callable[[], Any] | None = None  # in a rank: its crew's store

    def prepare(self, r: int, folder: str) -> None:
        _prefer_loopback()
        _keep_shut_down_groups()
        self.store = crew_store(r, folder, self.deadline)

    def make(self, r: int, folder: str, work: Work) -> Rank:
        return Rank(r, self.world_size, folder, self.learner_file, work.group_timeout,
                    self.deadline, self.store)

    def collect(self, folder: str, r: int, fate: str) -> dict:
        return _collect(folder, r, fate)


def crew_store(r: int, folder: str, timeout: float) -> Callable[[], Any]:
    """The rendezvous store of a crew of ranks, as a function that returns it.

    Rank 0 hosts a ``TCPStore`` on a port the system picks (so no fixed port can clash) and
    leaves the port in the crew's folder; another rank connects the first time it needs the
    store, so a job that needs none never waits for rank 0 (which may be gone). Trusted joins
    and gathers meet there, each job under its own prefix. A ``FileStore`` is looked at every
    10 ms, which made waiting most of a small job's time; a TCPStore answers at once.
    """
    from torch.distributed import TCPStore

    wait = timedelta(seconds=timeout)
    if r == 0:
        store = TCPStore("127.0.0.1", 0, None, True, wait_for_workers=False, timeout=wait)
        write(folder, "store-port", str(store.port).encode())
        return lambda: store

    @cache
    def connect() -> Any:
        port, end = Path(folder, "store-port"), time.monotonic() + timeout
        while not port.exists():
            if time.monotonic() > end:
                raise RuntimeError("the crew's rendezvous store did not start")
            time.sleep(0.0005)
        return TCPStore("127.0.0.1", int(port.read_text()), None, False, timeout=wait)

    return connect


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


def torchrun_variables(rank: int, world_size: int, port: int) -> dict[str, str]:
    """The environment ``torchrun --standalone --nproc_per_node N`` gives worker ``rank``
    whose agent hosts the rendezvous store on ``port``."""
    return {"MASTER_ADDR": "localhost", "MASTER_PORT": str(port), "WORLD_SIZE": str(world_size),
            "LOCAL_WORLD_SIZE": str(world_size), "GROUP_RANK": "0", "GROUP_WORLD_SIZE": "1",
            "ROLE_NAME": "default", "ROLE_WORLD_SIZE": str(world_size),
            "TORCHELASTIC_RESTART_COUNT": "0", "TORCHELASTIC_MAX_RESTARTS": "0",
            "TORCHELASTIC_RUN_ID": f"torchdojo-{port}", "TORCHELASTIC_USE_AGENT_STORE": "True",
            "OMP_NUM_THREADS": "1", "RANK": str(rank), "LOCAL_RANK": str(rank),
            "ROLE_RANK": str(rank)}
