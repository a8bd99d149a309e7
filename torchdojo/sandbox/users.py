"""Sandbox users: one uid per strict sandbox, and teardown that kills every process of it.

A process that double-forks and calls ``setsid()`` leaves the sandbox's process group, so
``killpg`` misses it. Every process the sandbox starts keeps its uid, though, and a process
running as that uid may signal all of them at once: ``kill(-1, SIGKILL)``. Teardown forks a
helper that becomes the uid and does exactly that until nothing is left, then checks ``/proc``.

Uids come from a range no account uses (``TORCHDOJO_SANDBOX_UIDS=first-last`` changes it) and
are leased with a lock file, so concurrent grading runs on one machine never share one.
"""

from __future__ import annotations

import os
import random
import signal
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

DEFAULT_RANGE = (1_870_000_000, 1_870_004_095)


@dataclass
class Lease:
    uid: int
    _fd: int

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing drops the lock
            self._fd = -1


def available() -> bool:
    """Separate users need root (CAP_SETUID); without it sandboxes run as the grading user."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lease() -> Lease | None:
    """Reserve a free sandbox uid (and kill anything a crashed run left under it)."""
    if not available():
        return None
    import fcntl

    folder = _lock_folder()
    first, last = _range()
    count = last - first + 1
    start = random.randrange(count)
    for step in range(min(count, 512)):
        uid = first + (start + step) % count
        if _has_account(uid):
            continue
        fd = os.open(folder / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        if processes_of(uid):  # left behind by a run that crashed
            kill_all(uid)
        return Lease(uid, fd)
    return None


def kill_all(uid: int, wait: float = 5.0) -> list[int]:
    """Kill every process running as ``uid``; return the pids still alive after ``wait``."""
    if not available():
        return processes_of(uid)
    deadline = time.monotonic() + wait
    while True:
        _kill_as(uid)
        alive = processes_of(uid)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.01)


def _kill_as(uid: int) -> None:
    """Fork a helper that becomes ``uid`` and sends SIGKILL to every process of it."""
    helper = os.fork()
    if helper == 0:  # only system calls here: this is a fork of a threaded process
        code = 1
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            for _ in range(20):  # a fork bomb races the kills; each round kills all it sees
                os.kill(-1, signal.SIGKILL)
            code = 0
        except ProcessLookupError:
            code = 0  # nothing left to signal
        finally:
            os._exit(code)
    os.waitpid(helper, 0)


def processes_of(uid: int) -> list[int]:
    """Live processes (not zombies: they run nothing) whose real or effective uid is ``uid``."""
    found = []
    wanted = str(uid).encode()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as handle:
                status = handle.read(2048)
            state = status.split(b"\nState:", 1)[1].split(None, 1)[0]
            uids = status.split(b"\nUid:", 1)[1].split(None, 2)[:2]
        except (OSError, IndexError):
            continue
        if wanted in uids and state not in (b"Z", b"X"):
            found.append(int(entry.name))
    return found


def _range() -> tuple[int, int]:
    text = os.environ.get("TORCHDOJO_SANDBOX_UIDS", "")
    with suppress(ValueError):
        first, last = (int(part) for part in text.split("-"))
        if 0 < first <= last:
            return first, last
    return DEFAULT_RANGE


def _has_account(uid: int) -> bool:
    import pwd

    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


def _lock_folder() -> Path:
    """A folder only root can write, so no sandbox can take or plant a lease."""
    for base in ("/run", tempfile.gettempdir()):
        folder = Path(base) / f"torchdojo-sandbox-users-{os.geteuid()}"
        with suppress(FileExistsError, PermissionError, FileNotFoundError):
            folder.mkdir(mode=0o700)
        with suppress(OSError):
            info = folder.lstat()
            if (folder.is_dir() and not folder.is_symlink() and info.st_uid == os.geteuid()
                    and info.st_mode & 0o077 == 0):
                return folder
    raise OSError("no private folder for sandbox user leases")
