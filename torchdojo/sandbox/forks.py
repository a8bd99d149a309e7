"""Run trusted code in forks of the sandbox, beside the sandbox's own work; results as data.

A fork is a copy of the sandbox as it is when the fork starts (torch and the learner's module
already imported), so it starts in milliseconds. A probe that has two independent pieces of
learner work, such as a training run and the short repetitions that judge its
reproducibility, starts one with ``start`` and does the other itself; ``Fork.result()`` then
waits for the fork. What a fork returns travels through the wire format (JSON + safetensors)
in a file, never pickle; what it printed is echoed into the sandbox's output when it is
collected; past its deadline it is killed. The distributed jobs of ``ranks`` are forks too,
built from the same parts.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from torchdojo import intake
from torchdojo.sandbox import wire
from torchdojo.sandbox.child import describe_exception

OUTPUT_TAIL = 2000
ECHO_LIMIT = 64 * 1024  # of a fork's output, echoed into the sandbox's own


# ----------------------------------------------------------------------------- one fork


def start(fn: Callable[..., Any], *args: Any, learner_file: str, deadline: float) -> Fork:
    """Run ``fn(*args)`` in a fork; the deadline (seconds) counts from now. Where there is no
    fork (Windows), it runs here and now, before the caller's own work: slower, same data."""
    if not hasattr(os, "fork"):
        return Fork("", 0, 0.0, _found=decode(encode(_outcome(fn, args, learner_file))))
    folder = tempfile.mkdtemp(prefix="fork-", dir=os.getcwd())

    def body() -> None:
        write(folder, "result", encode(_outcome(fn, args, learner_file)))

    try:
        pid = fork(body, Path(folder, "out"))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Fork(folder, pid, time.monotonic() + deadline)


def _outcome(fn: Callable[..., Any], args: tuple, learner_file: str) -> dict:
    try:
        return {"value": fn(*args)}
    except BaseException as exc:  # SystemExit and KeyboardInterrupt are learner errors too
        return {"error": describe_exception(exc, learner_file)}


@dataclass
class Fork:
    """A fork under way: its folder, its pid and the moment it is killed."""

    folder: str
    pid: int
    end: float  # time.monotonic() past which it is killed
    _found: dict | None = None

    def result(self) -> dict:
        """Once it has ended: ``{"value": what fn returned}``, ``{"error": what it raised}``
        (as ``describe_exception`` tells it), ``{"unreadable": why}`` for a value the wire
        format cannot carry, or ``{"lost": its fate, "output": the tail of what it printed}``
        when it was killed at the deadline or died."""
        if self._found is None:
            try:
                self._found = self._collect(wait([self.pid], self.end)[self.pid])
            finally:
                shutil.rmtree(self.folder, ignore_errors=True)
        return self._found

    def close(self) -> None:
        """Stop it now, if it still runs (the work that needed it failed), and clean up."""
        self.end = time.monotonic()
        self.result()

    def _collect(self, fate: str) -> dict:
        output = echo_output(Path(self.folder, "out"), "a fork")
        found = decode(read_limited(Path(self.folder, "result"), wire.MAX_MESSAGE_BYTES))
        if fate == "ok" and isinstance(found, dict) and \
                found.keys() & {"value", "error", "unreadable"}:
            return found
        return {"lost": fate, "output": output}  # "ok": it exited before it returned


# ----------------------------------------------------------------------------- the parts


def fork(body: Callable[[], None], output: Path) -> int:
    """Fork; the child sends what it prints to ``output``, runs ``body`` and exits at once
    (``os._exit``: it never returns into the sandbox's request loop, and skips atexit
    handlers and destructors, which can abort after a learner's error). Returns its pid."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    try:
        out = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(out, 1)
        os.dup2(out, 2)
        sys.stdout = os.fdopen(1, "w", buffering=1, errors="replace", closefd=False)
        sys.stderr = os.fdopen(2, "w", buffering=1, errors="replace", closefd=False)
        body()
    finally:
        with suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(0)


def encode(values: Any) -> bytes:
    """Plain data and tensors as bytes a fork can leave in a file; what the wire format cannot
    carry becomes ``{"unreadable": why}``."""
    try:
        return wire.to_bytes(wire.pack_call((values,), {}))
    except wire.WireError as exc:
        return wire.to_bytes(wire.pack_call(({"unreadable": str(exc)},), {}))


def decode(data: bytes | None) -> Any:
    """What ``encode`` wrote, or None when the file was missing or malformed."""
    with suppress(wire.WireError, KeyError, IndexError, TypeError, ValueError):
        if data:
            return wire.unpack_call(wire.from_bytes(data)).args[0]
    return None


def write(folder: str, name: str, data: bytes) -> None:
    partial = Path(folder, f"{name}.part")
    partial.write_bytes(data)
    partial.rename(Path(folder, name))  # a process killed mid-write leaves no half file


def read_limited(path: Path, limit: int) -> bytes | None:
    """A file a fork wrote, read as learner files are (``intake``): a fork runs learner code,
    which can replace it with a link, a pipe or a huge file. None when refused."""
    try:
        return intake.read_file(path, limit=limit)
    except intake.Refused:
        return None


def wait(pids: list[int], end: float) -> dict[int, str]:
    """Wait for every process until ``end`` (``time.monotonic()``); kill the rest. Returns
    each one's fate: "ok", "exit N", a signal's name, or "killed"."""
    fates: dict[int, str] = {}
    exits = _pidfds(pids)
    try:
        while True:
            for pid in pids:
                if pid not in fates:
                    done, status = os.waitpid(pid, os.WNOHANG)
                    if done:
                        fates[pid] = exit_name(status)
            left = end - time.monotonic()
            if len(fates) == len(pids) or left <= 0:
                break
            running = [fd for pid, fd in exits.items() if pid not in fates]
            if running:  # wakes at the exit itself
                waiting = select.poll()  # not select(): learner code may hold fds past 1024
                for fd in running:
                    waiting.register(fd, select.POLLIN)
                waiting.poll(left * 1000)
            else:
                time.sleep(min(left, 0.005))
    finally:
        for fd in exits.values():
            os.close(fd)
    for pid in pids:
        if pid not in fates:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            fates[pid] = "killed"
    return fates


def _pidfds(pids: list[int]) -> dict[int, int]:
    """A pidfd per process, or none at all where one cannot be had."""
    fds = {pid: pidfd(pid) for pid in pids}
    if None in fds.values():
        for fd in fds.values():
            if fd is not None:
                os.close(fd)
        return {}
    return fds  # type: ignore[return-value]


def pidfd(pid: int) -> int | None:
    """A file descriptor that becomes readable when the process exits (Linux 5.3), or None.

    A rank of a distributed job finishes in tens of milliseconds: polling with a growing
    pause, as before, added up to a third of a job's time.
    """
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def exit_name(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return "ok"
    if code < 0:
        with suppress(ValueError):
            return signal.Signals(-code).name
        return f"signal {-code}"
    return f"exit {code}"


def echo_output(path: Path, who: str) -> str:
    """What a fork printed: its start echoed into the sandbox's output, its tail returned."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return ""
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        size = os.fstat(fd).st_size
        head = handle.read(ECHO_LIMIT)
        handle.seek(max(size - OUTPUT_TAIL, 0))
        tail = handle.read(OUTPUT_TAIL)
    if head:
        sys.stdout.write(head.decode("utf-8", "replace"))
        if size > len(head):
            sys.stdout.write(f"\n... ({size - len(head)} more bytes from {who})\n")
        sys.stdout.flush()
    return tail.decode("utf-8", "replace")
