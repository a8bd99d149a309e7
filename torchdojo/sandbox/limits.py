"""Strict mode, inside the sandbox: confine this process before any learner code runs.

``confine`` runs in the freshly forked sandbox while it is still the fork server's copy (torch
and the harness already imported, so nothing needs to be read from the package afterwards). It
gets the submission's modules as bytes the grading process read, then, as far as the operating
system allows:

- moves into private mount, network and IPC namespaces and builds a new root (``view``) where
  only the OS, Python, torchdojo and a copy of the submission exist; course folders, HOME, other
  checkouts and the results paths are not there;
- sets CPU-time, address-space, file-size and process-count limits and turns core dumps off;
- replaces the environment with a minimal one and wipes the one it was started with;
- becomes the sandbox's own user (when started as root) and drops every capability.

It returns the spec to run with (the copied submission, the private working directory) and a
record of each confinement: in force, or not available and why. Anything that fails half-way
raises ``ConfinementFailed``: a sandbox that is neither confined nor honest about it never runs.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import signal
import tempfile
from dataclasses import dataclass, replace
from multiprocessing import forkserver, resource_tracker
from pathlib import Path
from typing import Any

from torchdojo.sandbox import syscalls, view

try:
    import resource
except ImportError:  # Windows: local grading works there; strict mode needs Linux
    resource = None

GiB = 2**30
MiB = 2**20
MEMORY = 2 * GiB  # address space per sandbox process; torch needs ~0.75 (benchmarks/strict.py)
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"


class ConfinementFailed(Exception):
    """A confinement that the operating system allows failed part-way; the sandbox must not run."""


@dataclass(frozen=True)
class Policy:
    """What strict mode asks of one sandbox. Sizes are bytes."""

    cpu_seconds: int
    memory: int | None  # RLIMIT_AS; None where CUDA is present (it reserves huge address space)
    file_size: int = 64 * MiB
    processes: int = 64  # processes and threads of the sandbox user (DataLoader workers, DDP)
    tmp_size: int = 256 * MiB
    private: tuple[str, ...] = ()  # course folders and results paths the sandbox must not see

    @classmethod
    def for_budget(cls, seconds: float, threads: int = 1, private: tuple[str, ...] = ()
                   ) -> Policy:
        """A topic's policy: CPU time to match its wall-clock budget on every thread, and room
        for every torch thread in each process it may start."""
        import torch

        memory = None if torch.cuda.is_available() else MEMORY
        threads = max(threads, 1)
        return cls(cpu_seconds=math.ceil(seconds * threads) + 2, memory=memory,
                   processes=cls.processes + 16 * (threads - 1), private=tuple(private))


Facts = dict[str, list]  # confinement -> [in force?, what it is or why it is missing]


def confine(spec: Any) -> tuple[Any, Facts]:
    """Confine this process as ``spec.policy`` asks; see the module docstring. Linux only."""
    policy: Policy = spec.policy
    facts: Facts = {}
    code = spec.code
    root = os.geteuid() == 0
    owner = (spec.uid, spec.uid) if root and spec.uid is not None else None
    namespaces = _namespaces(root, facts)
    if namespaces:
        path, workdir = _new_root(spec, policy, code, owner, facts)
    else:
        path, workdir = _plain_folders(spec, code, owner, facts)
    _limits(policy, facts, separate_user=owner is not None)
    _environment(spec.threads, workdir, facts)
    _forget_parent()
    _drop_privileges(owner, namespaces, facts, root=root)
    os.chdir(workdir)
    return replace(spec, path=path, workdir=workdir), facts


def _namespaces(root: bool, facts: Facts) -> bool:
    """Private mount, network and IPC namespaces (a user namespace first when not root)."""
    flags = syscalls.CLONE_NEWNS | syscalls.CLONE_NEWNET | syscalls.CLONE_NEWIPC
    uid, gid = os.getuid(), os.getgid()
    try:
        syscalls.unshare(flags if root else flags | syscalls.CLONE_NEWUSER)
    except OSError as exc:
        reason = f"the system refused new namespaces ({os.strerror(exc.errno)})"
        facts["file system"] = [False, reason]
        facts["network"] = [False, reason]
        return False
    if not root:
        try:
            Path("/proc/self/setgroups").write_text("deny")
            Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
            Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
        except OSError as exc:
            raise ConfinementFailed(f"could not map the user namespace: {exc}") from None
    try:
        syscalls.loopback_up()
        facts["network"] = [True, "none: a private network namespace with only its own loopback"]
    except OSError as exc:
        facts["network"] = [True, "none: a private network namespace (its loopback is down: "
                                  f"{os.strerror(exc.errno)})"]
    return True


def _new_root(spec: Any, policy: Policy, code: dict[str, bytes], owner: tuple[int, int] | None,
              facts: Facts) -> tuple[str, str]:
    try:
        syscalls.mount(None, "/", None, syscalls.MS_REC | syscalls.MS_PRIVATE)
        notes = view.build(spec.workdir, code=code, sizes=view.Sizes(policy.tmp_size),
                           owner=owner, hide_processes=owner is not None)
        covered = view.hide([*policy.private, *_packaged_course()])
        view.seal()
    except OSError as exc:
        raise ConfinementFailed(f"could not build the sandbox's file system: {exc}") from None
    seen = "only the OS, Python, torchdojo and the submission are visible"
    if covered:
        seen += f"; {len(covered)} private path(s) inside them covered"
    facts["file system"] = [True, "; ".join([seen, *notes])]
    facts["working directory"] = [True, f"empty and private, {policy.tmp_size // MiB} MiB "
                                        "for it, /tmp and /dev/shm each"]
    return f"{view.CODE}/{spec.module}", view.WORK


def _plain_folders(spec: Any, code: dict[str, bytes], owner: tuple[int, int] | None,
                   facts: Facts) -> tuple[str, str]:
    """Without namespaces: the submission copy and an empty working directory, side by side
    in the host's temporary folder, reachable by the sandbox user and by nobody else."""
    top = Path(spec.workdir)
    work, copy = top / "work", top / "submission"
    work.mkdir(mode=0o700)
    copy.mkdir(mode=0o755)
    for name, data in code.items():
        (copy / name).write_bytes(data)
        (copy / name).chmod(0o644)
    if owner is not None:
        top.chmod(0o711)
        os.chown(work, *owner)
    facts["working directory"] = [True, "empty, in the shared temporary folder"]
    return str(copy / spec.module), str(work)


def _packaged_course() -> list[str]:
    """The course copies an installed package carries (solutions included) in site-packages:
    ``torchdojo/_course`` inside the package or ``torchdojo_course`` beside it."""
    import site

    import torchdojo

    package = Path(torchdojo.__file__).resolve().parent
    folders = [package / "_course", package.parent / "torchdojo_course"]
    for base in map(Path, site.getsitepackages()):
        folders += [base / "torchdojo" / "_course", base / "torchdojo_course"]
    return [str(folder) for folder in dict.fromkeys(folders)]


def _limits(policy: Policy, facts: Facts, *, separate_user: bool) -> None:
    _set(resource.RLIMIT_CPU, policy.cpu_seconds, policy.cpu_seconds + 1)
    facts["cpu time"] = [True, f"{policy.cpu_seconds} s per process"]
    if policy.memory is None:
        facts["memory"] = [False, "CUDA is present, and an address-space limit breaks it"]
    else:
        _set(resource.RLIMIT_AS, policy.memory)
        facts["memory"] = [True, f"{policy.memory / GiB:g} GiB of address space per process"]
    _set(resource.RLIMIT_FSIZE, policy.file_size)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big write fails instead of killing
    facts["file size"] = [True, f"{policy.file_size // MiB} MiB per file"]
    _set(resource.RLIMIT_CORE, 0)
    facts["core dumps"] = [True, "off"]
    if separate_user:
        _set(resource.RLIMIT_NPROC, policy.processes)
        facts["processes"] = [True, f"at most {policy.processes} processes and threads"]
    else:
        facts["processes"] = [False, "needs a separate user (the limit counts all of a user's "
                                     "processes)"]


def _set(which: int, soft: int, hard: int | None = None) -> None:
    resource.setrlimit(which, (soft, soft if hard is None else hard))


def _environment(threads: int, home: str, facts: Facts) -> None:
    keep = {k: os.environ[k] for k in ("LANG", "LC_ALL", "TZ", "CUDA_VISIBLE_DEVICES")
            if k in os.environ}
    os.environ.clear()
    os.environ.update(keep)
    os.environ.update({"PATH": SAFE_PATH, "HOME": home, "TMPDIR": "/tmp", "USER": "sandbox",
                       "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
                       "PYTHONDONTWRITEBYTECODE": "1"})
    tempfile.tempdir = None
    # Where /proc/self/stat cannot be read, os.environ is clean but the exec-time copy remains.
    with contextlib.suppress(OSError, ValueError, IndexError):
        syscalls.wipe_environment_block()
    facts["environment"] = [True, f"minimal (PATH, HOME, TMPDIR, locale, "
                                  f"OMP_NUM_THREADS={threads}); the grader's is wiped"]


def _forget_parent() -> None:
    """Let go of what the fork server handed down: its pipes, temp folder and auth key."""
    for holder, name in ((resource_tracker._resource_tracker, "_fd"),
                         (forkserver._forkserver, "_forkserver_alive_fd")):
        fd = getattr(holder, name, None)
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
            setattr(holder, name, None)
    forkserver._forkserver._forkserver_address = None
    process = multiprocessing.current_process()
    process._config.pop("tempdir", None)
    process.authkey = os.urandom(32)


def _drop_privileges(owner: tuple[int, int] | None, namespaces: bool, facts: Facts, *,
                     root: bool) -> None:
    try:
        if owner is not None:
            os.setgroups([])
            os.setresgid(owner[1], owner[1], owner[1])
            os.setresuid(owner[0], owner[0], owner[0])
            facts["user"] = [True, "a user of its own, which no other process has"]
        else:
            if namespaces or root:
                syscalls.drop_capabilities()
            facts["user"] = [False, "no sandbox user could be reserved" if root else
                             "not started as root, so it runs as the grading user"]
        syscalls.prctl(syscalls.PR_SET_NO_NEW_PRIVS, 1)
        syscalls.prctl(syscalls.PR_SET_DUMPABLE, 0)
    except OSError as exc:
        raise ConfinementFailed(f"could not drop privileges: {exc}") from None
