"""Processes that learner code leaves behind when their parents die are adopted and killed.

A learner can kill its own grading worker, or fork a daemon that leaves its process group, so
that a sandbox outlives everything that was meant to stop it and keeps burning a core. On Linux
the batch becomes a *child subreaper*: such orphans are re-parented to it instead of to init,
and every process it did not start itself (workers, multiprocessing's resource tracker and what
existed before) is killed and reaped. Elsewhere this does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
from collections.abc import Iterable
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
SETTLE = 0.05  # a killed process's children are re-parented to us as it dies: look again


def prctl(option: int, value: int) -> bool:
    """Linux prctl(2); False where it is not available or fails."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def children() -> list[int]:
    """Our direct children, zombies included (read from /proc).

    Each thread's ``children`` file lists them at once; where the kernel lacks it, every
    process's ``stat`` is read instead (slower: a busy machine has thousands)."""
    listed: set[int] = set()
    files = list(Path(f"/proc/{os.getpid()}/task").glob("*/children"))
    for path in files:
        with contextlib.suppress(OSError, ValueError):
            listed.update(int(pid) for pid in path.read_text().split())
    if files:
        return sorted(listed)
    mine = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == os.getpid():
            mine.append(int(stat.parent.name))
    return mine


class Orphans:
    """Use as a context: adopt orphans while it is open; ``sweep`` kills what was adopted."""

    def __init__(self) -> None:
        self.enabled = False
        self.known: set[int] = set()

    def __enter__(self) -> Orphans:
        if sys.platform.startswith("linux"):
            self.known = set(children())
            self.enabled = prctl(PR_SET_CHILD_SUBREAPER, 1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.sweep_all()
            prctl(PR_SET_CHILD_SUBREAPER, 0)
            self.enabled = False

    def sweep(self, ours: Iterable[int]) -> list[int]:
        """Kill and reap every child that is neither known, nor ours, nor the resource tracker."""
        if not self.enabled:
            return []
        keep = self.known | set(ours) | {_tracker_pid()}
        strays = [pid for pid in children() if pid not in keep]
        for pid in strays:  # all at once, then reap: they die side by side
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)  # it may lead a group of its own
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid in strays:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        return strays

    def sweep_all(self, rounds: int = 20) -> None:
        """Sweep until nothing is left: killing a process hands its own children to us."""
        for _ in range(rounds):
            if not self.sweep(()):
                time.sleep(SETTLE)
                if not self.sweep(()):
                    return


def _tracker_pid() -> int:
    from multiprocessing import resource_tracker

    return getattr(resource_tracker._resource_tracker, "_pid", None) or -1
