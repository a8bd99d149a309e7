"""Strict mode, inside the sandbox: confine this process before any learner code runs.

``confine`` runs in the freshly forked sandbox while it is still the fork server's copy (torch
and the harness already imported, so nothing needs to be read from the package afterwards). It
joins the control group the grading process made for it (so every process it starts counts
against one memory and process cap, and dies with it), gets the submission's modules as bytes
the grading process read, then, as far as the operating system allows:

- moves into private mount, network and IPC namespaces and builds a new root (``view``) where
  only the OS, Python, torchdojo and a copy of the submission exist; course folders, HOME, other
  checkouts and the results paths are not there; its folders are tmpfs capped in bytes and files;
- sets CPU-time, address-space, file-size and process-count limits and turns core dumps off;
- replaces the environment with a minimal one and wipes the one it was started with;
- becomes the sandbox's own user (when started as root) and drops every capability;
- scopes its signals to its own processes (Landlock), so ``kill(-1)`` reaches nothing else.

A *guard* policy (``strict=False``: batch grading's advisory tier) keeps only what protects the
other learners of a batch: the control group, the limits and the signal scope; the learner's
files, environment and user stay as they are, so verdicts equal local grading's.

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
# All of a sandbox's processes and its tmpfs files together; the references need at most
# 0.35 GiB (data's spawned DataLoader workers; benchmarks/strict.py measures it).
# TORCHDOJO_SANDBOX_MEMORY (MiB) changes it for a course that needs more.
GROUP_MEMORY = 2 * GiB
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"


class ConfinementFailed(Exception):
    """A confinement that the operating system allows failed part-way; the sandbox must not run."""


@dataclass(frozen=True)
class Policy:
    """What strict mode asks of one sandbox. Sizes are bytes."""

    cpu_seconds: int
    memory: int | None  # RLIMIT_AS; None where CUDA is present (it reserves huge address space)
    file_size: int = 64 * MiB
    processes: int = 64  # processes and threads of the sandbox (DataLoader workers, DDP ranks)
    tmp_size: int = 256 * MiB
    tmp_files: int = 16384  # inodes in each private tmpfs (empty files cost memory, not size)
    group_memory: int = GROUP_MEMORY  # the sandbox's control group: every process together
    private: tuple[str, ...] = ()  # course folders and results paths the sandbox must not see
    strict: bool = True  # False: a batch's guard (limits, group, signal scope) and no more

    @classmethod
    def for_budget(cls, seconds: float, threads: int = 1, private: tuple[str, ...] = (),
                   strict: bool = True) -> Policy:
        """A topic's policy: CPU time to match its wall-clock budget on every thread, and room
        for every torch thread in each process it may start."""
        import torch

        memory = None if torch.cuda.is_available() else MEMORY
        threads = max(threads, 1)
        return cls(cpu_seconds=math.ceil(seconds * threads) + 2, memory=memory,
                   processes=cls.processes + 16 * (threads - 1), private=tuple(private),
                   group_memory=group_memory(), strict=strict)


def group_memory() -> int:
    """The memory of a sandbox's processes together: ``TORCHDOJO_SANDBOX_MEMORY`` (MiB) or
    ``GROUP_MEMORY``."""
    text = os.environ.get("TORCHDOJO_SANDBOX_MEMORY", "").strip()
    return int(text) * MiB if text.isdigit() and int(text) > 0 else GROUP_MEMORY


Facts = dict[str, list]  # confinement -> [in force?, what it is or why it is missing]


def confine(spec: Any) -> tuple[Any, Facts]:
    """Confine this process as ``spec.policy`` asks; see the module docstring. Linux only."""
    policy: Policy = spec.policy
    facts: Facts = {}
    grouped = _join_group(spec.cgroup, spec.cgroup_kind)  # first: all it starts is counted
    root = os.geteuid() == 0
    if not policy.strict:
        return _guard(spec, policy, facts, grouped=grouped, root=root)
    code = spec.code
    owner = (spec.uid, spec.uid) if root and spec.uid is not None else None
    namespaces = _namespaces(root, facts)
    if namespaces:
        path, workdir = _new_root(spec, policy, code, owner, facts)
    else:
        path, workdir = _plain_folders(spec, code, owner, facts)
    counted = "a user of its own" if owner else \
        "its own user namespace" if namespaces and not root else ""
    _limits(policy, facts, grouped=grouped, counted=counted)
    _environment(spec.threads, workdir, facts)
    _forget_parent()
    _drop_privileges(owner, namespaces, facts, root=root)
    _scope_signals(facts, separate_user=owner is not None)
    os.chdir(workdir)
    return replace(spec, path=path, workdir=workdir), facts


def _guard(spec: Any, policy: Policy, facts: Facts, *, grouped: str, root: bool
           ) -> tuple[Any, Facts]:
    """A batch's guard: what keeps one learner from stopping or starving the others."""
    # Processes it starts (spawned DataLoader workers) use as many threads as it does, so the
    # process cap holds for honest code on a machine with many cores.
    os.environ.update(OMP_NUM_THREADS=str(spec.threads), MKL_NUM_THREADS=str(spec.threads))
    counted = ""
    if not root and not grouped:  # an own user namespace counts RLIMIT_NPROC per sandbox
        with contextlib.suppress(OSError):
            _own_user_namespace()
            counted = "its own user namespace"
    _limits(policy, facts, grouped=grouped, counted=counted)
    try:
        syscalls.prctl(syscalls.PR_SET_NO_NEW_PRIVS, 1)
    except OSError as exc:
        raise ConfinementFailed(f"could not set no_new_privs: {exc}") from None
    _scope_signals(facts, separate_user=False)
    return spec, facts


def _join_group(procs: tuple[str, ...], kind: str) -> str:
    """Move this process into the sandbox's control group; returns what it is ('' if none)."""
    if not procs:
        return ""
    try:
        for path in procs:
            with open(path, "w") as handle:
                handle.write(str(os.getpid()))
    except OSError as exc:
        raise ConfinementFailed(f"could not join the sandbox's control group: {exc}") from None
    return kind or "a control group"


def _own_user_namespace() -> None:
    """A user namespace of its own, mapping only its own ids, with no capabilities in it."""
    uid, gid = os.getuid(), os.getgid()
    syscalls.unshare(syscalls.CLONE_NEWUSER)
    _map_ids(uid, gid)
    syscalls.drop_capabilities()


def _map_ids(uid: int, gid: int) -> None:
    """Map this process's ids to themselves in the user namespace it just entered."""
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")

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
            _map_ids(uid, gid)
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
        sizes = view.Sizes(policy.tmp_size, policy.tmp_files)
        notes = view.build(spec.workdir, code=code, sizes=sizes, owner=owner,
                           hide_processes=owner is not None)
        covered = view.hide([*policy.private, *_packaged_course()])
        view.seal()
    except OSError as exc:
        raise ConfinementFailed(f"could not build the sandbox's file system: {exc}") from None
    seen = "only the OS, Python, torchdojo and the submission are visible"
    if covered:
        seen += f"; {len(covered)} private path(s) inside them covered"
    facts["file system"] = [True, "; ".join([seen, *notes])]
    facts["working directory"] = [True, f"empty and private ({view.WORK}, also its HOME)"]
    facts["disk space"] = [True, f"{policy.tmp_size // MiB} MiB and {policy.tmp_files} files "
                                 "in /tmp (the working directory is in it) and in /dev/shm "
                                 "each; full is the learner's ENOSPC"]
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
    facts["disk space"] = [False, "no private tmpfs (no namespaces): files go to the machine's "
                                  "temporary folder, capped only per file"]
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


def _limits(policy: Policy, facts: Facts, *, grouped: str, counted: str) -> None:
    """Resource limits. ``grouped`` names the control group holding every process of the
    sandbox ('' if none); ``counted`` says where RLIMIT_NPROC counts only the sandbox's own
    processes ('' if it would count all of the grading user's)."""
    _set(resource.RLIMIT_CPU, policy.cpu_seconds, policy.cpu_seconds + 1)
    facts["cpu time"] = [True, f"{policy.cpu_seconds} s per process"]
    per_process = ""
    if policy.memory is not None:
        _set(resource.RLIMIT_AS, policy.memory)
        per_process = f"{policy.memory / GiB:g} GiB of address space per process"
    if grouped:
        facts["memory"] = [True, f"{policy.group_memory / GiB:g} GiB for all of the sandbox's "
                                 f"processes and files together, no swap ({grouped})"
                                 + (f"; {per_process}" if per_process else "")]
    else:
        facts["memory"] = [False, "no control group, so nothing caps the sandbox's processes "
                                  "together" + (f" (only {per_process})" if per_process else "")]
    _set(resource.RLIMIT_FSIZE, policy.file_size)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big write fails instead of killing
    facts["file size"] = [True, f"{policy.file_size // MiB} MiB per file"]
    _set(resource.RLIMIT_CORE, 0)
    facts["core dumps"] = [True, "off"]
    if counted:
        _set(resource.RLIMIT_NPROC, policy.processes)
    caps = [where for where in (grouped, counted and f"RLIMIT_NPROC in {counted}") if where]
    if caps:
        facts["processes"] = [True, f"at most {policy.processes} processes and threads "
                                    f"({'; '.join(caps)})"]
    else:
        facts["processes"] = [False, "no control group, user of its own or user namespace to "
                                     "count them in (the limit would count all of a user's "
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


def _scope_signals(facts: Facts, *, separate_user: bool) -> None:
    """Signals (and ptrace) reach only the sandbox's own processes: Landlock where the kernel
    has it; else a user of its own does it (kill(-1) reaches only that user's processes)."""
    try:
        syscalls.scope_signals()
    except OSError as exc:
        if separate_user:
            facts["signals"] = [True, "reach only the sandbox's own processes (a user of its "
                                      "own)"]
        else:
            facts["signals"] = [False, "could reach every process of the grading user "
                                       f"(Landlock signal scope: {exc.strerror or exc})"]
        return
    facts["signals"] = [True, "reach only the sandbox's own processes (Landlock scope)"]
