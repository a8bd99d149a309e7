"""What a strict sandbox sees of the file system: the OS, Python, torchdojo and its own files.

Inside a private mount namespace the sandbox gets a new root: the system folders and the Python
installation bound read-only at their usual paths, a fresh ``/proc`` that hides other users'
processes, private ``/tmp`` and ``/dev/shm`` capped in bytes and in files (millions of empty
files would otherwise cost the machine memory that no size cap sees), and a copy of the
submission. Filling them is the learner's own ``ENOSPC``, never the grader's. The
course (solutions, hidden checks, reference results), the grader's HOME, other checkouts on the
machine and the results folder are simply not there. Paths that must stay private but live
inside a bound folder (the course copy a wheel ships) are covered with empty mounts.
"""

from __future__ import annotations

import os
import site
import sys
from dataclasses import dataclass
from pathlib import Path

from torchdojo.sandbox import syscalls

SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt")
CODE = "/submission"  # the copy of the learner's files, read-only to the sandbox user
WORK = "/tmp/work"  # the working directory and HOME: empty, private, size-capped
_OLD = ".old-root"


@dataclass(frozen=True)
class Sizes:
    tmp: int  # bytes of the private /tmp and of /dev/shm each
    files: int = 16384  # inodes (files and folders) of each

    def options(self, mode: str) -> str:
        return f"size={self.tmp},nr_inodes={self.files},mode={mode}"


def python_paths() -> list[str]:
    """Folders the sandbox's Python needs: installation, environment, site-packages, torchdojo."""
    import torchdojo

    found = {sys.base_prefix, sys.prefix, sys.base_exec_prefix, sys.exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)), *site.getsitepackages(),
             os.path.dirname(os.path.realpath(torchdojo.__file__))}
    if site.ENABLE_USER_SITE and site.getusersitepackages() in sys.path:
        found.add(site.getusersitepackages())
    real = {os.path.realpath(p) for p in found if p and os.path.isdir(p)}
    system = [s for s in SYSTEM if os.path.isdir(s) and not os.path.islink(s)]
    real = {p for p in real if p != "/" and not any(_within(p, s) for s in system)}
    return sorted(p for p in real if not any(q != p and _within(p, q) for q in real))


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def build(root: str, *, code: dict[str, bytes], sizes: Sizes, owner: tuple[int, int] | None,
          hide_processes: bool) -> list[str]:
    """Fill the empty mount point ``root`` with the sandbox's world, then make it ``/``.

    Returns notes about what could not be done (each one names the refused step).
    """
    notes: list[str] = []
    syscalls.mount("tmpfs", root, "tmpfs", syscalls.MS_NOSUID | syscalls.MS_NODEV,
                   "size=4m,mode=0755")
    _tmp(root, sizes)  # first: Python itself may live under /tmp (a venv made there)
    for folder in SYSTEM:
        _place(root, folder)
    for folder in python_paths():
        _place(root, folder)
    _devices(root, sizes, notes)
    _proc(root, hide_processes, notes)
    _work(root, owner)
    _code(root, code)
    os.mkdir(os.path.join(root, _OLD))
    syscalls.pivot_root(root, os.path.join(root, _OLD))
    os.chdir("/")
    syscalls.umount("/" + _OLD)
    os.rmdir("/" + _OLD)
    return notes


def seal() -> None:
    """Make the new root itself read-only (binds keep their own flags)."""
    syscalls.mount(None, "/", None, syscalls.MS_REMOUNT | syscalls.MS_RDONLY | syscalls.MS_NOSUID
                   | syscalls.MS_NODEV)


def hide(paths: list[str]) -> list[str]:
    """Cover private paths that are still visible in the new root; returns the ones covered.

    A path that holds Python or torchdojo itself stays: covering it would break the sandbox.
    """
    covered = []
    needed = python_paths()
    for path in paths:
        if not os.path.lexists(path) or os.path.islink(path):
            continue
        if any(_within(folder, path) for folder in needed):
            continue
        if os.path.isdir(path):
            syscalls.mount("tmpfs", path, "tmpfs", syscalls.MS_RDONLY | syscalls.MS_NOSUID
                           | syscalls.MS_NODEV | syscalls.MS_NOEXEC, "size=4k,mode=000")
        else:
            syscalls.bind("/dev/null", path)
        covered.append(path)
    return covered


def _place(root: str, folder: str) -> None:
    """Show ``folder`` at the same path in the new root (a symlink stays a symlink)."""
    if not os.path.lexists(folder):
        return
    target = root + folder
    os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
    if os.path.islink(folder):
        if not os.path.lexists(target):
            os.symlink(os.readlink(folder), target)
        return
    os.makedirs(target, mode=0o755, exist_ok=True)
    syscalls.bind(folder, target)


def _devices(root: str, sizes: Sizes, notes: list[str]) -> None:
    target = root + "/dev"
    os.mkdir(target)
    syscalls.bind("/dev", target, readonly=False)
    if os.path.isdir(target + "/shm"):
        syscalls.mount("tmpfs", target + "/shm", "tmpfs", syscalls.MS_NOSUID | syscalls.MS_NODEV,
                       sizes.options("1777"))
    else:
        notes.append("/dev/shm: not present")


def _proc(root: str, hide_processes: bool, notes: list[str]) -> None:
    target = root + "/proc"
    os.mkdir(target)
    sys_target = root + "/sys"
    os.mkdir(sys_target)
    flags = syscalls.MS_NOSUID | syscalls.MS_NODEV | syscalls.MS_NOEXEC
    try:
        syscalls.mount("proc", target, "proc", flags, "hidepid=2" if hide_processes else None)
    except OSError as exc:  # a user namespace may not mount proc for the host's PID namespace
        notes.append(f"other processes are visible ({os.strerror(exc.errno)})")
        syscalls.bind("/proc", target, readonly=False)
    try:
        syscalls.bind("/sys", sys_target)
    except OSError as exc:
        notes.append(f"/sys is not shown ({os.strerror(exc.errno)})")


def _tmp(root: str, sizes: Sizes) -> None:
    tmp = root + "/tmp"
    os.mkdir(tmp)
    syscalls.mount("tmpfs", tmp, "tmpfs", syscalls.MS_NOSUID | syscalls.MS_NODEV,
                   sizes.options("1777"))


def _work(root: str, owner: tuple[int, int] | None) -> None:
    work = root + WORK
    os.mkdir(work, 0o700)
    if owner is not None:
        os.chown(work, *owner)


def _code(root: str, code: dict[str, bytes]) -> None:
    folder = Path(root + CODE)
    folder.mkdir(mode=0o755)
    for name, data in code.items():
        (folder / name).write_bytes(data)
        (folder / name).chmod(0o644)
