"""What confinement this machine allows a sandbox, found once per process before any grading.

``--strict`` fails closed: it grades only when every confinement it promises can be put in
force, or when the caller names the ones it accepts to lose (``--allow-weaker KIND``). This
module answers that question up front, in a few milliseconds, without starting a sandbox:

- root (a user of its own per sandbox), from the process's credentials;
- private namespaces (file system, network, size-capped folders), by letting a short-lived
  child try exactly what a sandbox does: ``unshare`` and a tmpfs mount;
- control groups (memory and process caps for a sandbox's processes together, teardown by
  group), by finding a hierarchy this process may create groups in (``cgroups.tree``);
- Landlock signal scoping (Linux 6.12+), by asking the kernel for its ABI version.

Each confinement is named by its fact in the report (``confinement.in_force``); the KIND a
caller waives is that name with hyphens (``file-system``).
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass

from torchdojo.sandbox import cgroups, syscalls

# Every confinement strict grading promises, as the report names them.
FACTS = ("user", "file system", "network", "working directory", "disk space", "memory",
         "processes", "signals", "teardown", "cpu time", "file size", "core dumps",
         "environment")
ROOT = "run as root (sudo)"
USERNS = ("allow unprivileged user namespaces (Ubuntu: sysctl "
          "kernel.apparmor_restrict_unprivileged_userns=0) or run as root (sudo)")
SYS_ADMIN = "give the grader CAP_SYS_ADMIN (a container: --cap-add SYS_ADMIN or --privileged)"


def kind(fact: str) -> str:
    """The name a caller uses to waive a confinement: ``file system`` -> ``file-system``."""
    return fact.replace(" ", "-")


def fact(name: str) -> str:
    return name.replace("-", " ")


KINDS = tuple(kind(f) for f in FACTS)


@dataclass(frozen=True)
class Finding:
    held: bool
    detail: str  # what holds, or why it does not
    remedy: str = ""  # how to get it, where it does not hold


class UnknownKind(ValueError):
    pass


def parse_kinds(values: Iterable[str]) -> tuple[str, ...]:
    """``["memory,user", "file-system"]`` -> the fact names (``file system`` is accepted too);
    raises ``UnknownKind`` (one line)."""
    found: list[str] = []
    for value in values:
        for part in value.split(","):
            part = " ".join(part.split()).lower()
            if not part:
                continue
            if kind(part) not in KINDS:
                raise UnknownKind(f"unknown confinement {part!r} (known: {', '.join(KINDS)})")
            found.append(fact(kind(part)))
    return tuple(dict.fromkeys(found))


@functools.cache
def machine() -> dict[str, Finding]:
    """What a strict sandbox started by this process will have; see the module notes."""
    if not sys.platform.startswith("linux"):
        return {name: Finding(False, "strict confinement needs Linux", "grade on Linux")
                for name in FACTS}
    root = _privileged()
    namespaces = _namespaces(root)
    tree = cgroups.tree()
    landlock = syscalls.landlock_abi()
    scoped = landlock >= syscalls.LANDLOCK_SIGNAL_ABI
    found = {
        "user": Finding(True, "a user of its own for each sandbox") if root else
        Finding(False, "not started as root, so sandboxes run as the grading user", ROOT),
        "working directory": Finding(True, "empty and private"),
        "cpu time": Finding(True, "per process"),
        "file size": Finding(True, "per file"),
        "core dumps": Finding(True, "off"),
        "environment": Finding(True, "minimal; the grader's is wiped"),
    }
    for name in ("file system", "network", "disk space"):
        found[name] = namespaces
    if tree.usable:
        found["memory"] = Finding(True, f"capped for each sandbox's processes together "
                                        f"({tree.describe()})")
        found["teardown"] = Finding(True, f"every process of a sandbox's group is killed "
                                          f"({tree.describe()})")
    else:
        found["memory"] = Finding(False, f"no control group for the sandbox: {tree.problem}",
                                  tree.remedy)
        found["teardown"] = Finding(True, "every process of the sandbox user is killed") \
            if root else Finding(False, "neither a control group nor a user of its own",
                                 tree.remedy)
    if tree.usable or root:
        found["processes"] = Finding(True, "capped for each sandbox")
    elif namespaces.held:
        found["processes"] = Finding(True, "capped for each sandbox (counted in its own user "
                                           "namespace)")
    else:
        found["processes"] = Finding(False, "neither a control group, a user of its own, nor "
                                            "a user namespace to count them in", ROOT)
    if root or scoped:
        found["signals"] = Finding(True, "reach only the sandbox's own processes")
    else:
        found["signals"] = Finding(False, "a sandbox could signal every process of the grading "
                                          f"user (Landlock ABI {landlock}; signal scoping needs "
                                          f"{syscalls.LANDLOCK_SIGNAL_ABI}, Linux 6.12)",
                                   ROOT + ", or use Linux 6.12 or newer")
    return {name: found[name] for name in FACTS}


def missing(allowed: Iterable[str] = ()) -> dict[str, Finding]:
    """The confinements this machine lacks that the caller did not waive."""
    waived = set(allowed)
    return {name: finding for name, finding in machine().items()
            if not finding.held and name not in waived}


def refusal(lacking: dict[str, Finding], waive: str = "add --allow-weaker {kinds}") -> str:
    """One line: what is missing, how to get it, and how to grade without it (``waive``, with
    ``{kinds}`` for the comma-separated KINDs)."""
    by_remedy: dict[str, list[str]] = {}
    for name, finding in lacking.items():
        by_remedy.setdefault(finding.remedy or "not available on this machine",
                             []).append(kind(name))
    needs = "; ".join(f"{', '.join(names)}: {remedy}" for remedy, names in by_remedy.items())
    kinds = ",".join(kind(n) for n in lacking)
    return (f"strict grading refused, confinement not available here ({needs}); to grade with "
            f"weaker confinement, {waive.format(kinds=kinds)}")


def _privileged() -> bool:
    """Root with the capabilities a sandbox user needs (setuid, setgid)."""
    if os.geteuid() != 0:
        return False
    try:
        with open("/proc/self/status") as handle:
            line = next(x for x in handle if x.startswith("CapEff:"))
        effective = int(line.split()[1], 16)
    except (OSError, StopIteration, ValueError):
        return True
    return bool(effective & (1 << 6)) and bool(effective & (1 << 7))  # CAP_SETGID, CAP_SETUID


def _namespaces(root: bool) -> Finding:
    """Let a child try what a sandbox does first: new namespaces and a tmpfs mount."""
    reason = _try_namespaces(root)
    if not reason:
        return Finding(True, "private namespaces")
    return Finding(False, f"the system refused private namespaces ({reason})",
                   SYS_ADMIN if root else USERNS)


def _try_namespaces(root: bool) -> str:
    """'' when the sandbox's namespaces and mounts work here, else what failed."""
    syscalls._libc()  # loaded before forking: the child makes system calls only
    point = tempfile.mkdtemp(prefix="torchdojo-probe-")
    uid, gid = os.getuid(), os.getgid()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # only system calls here: this may be a fork of a threaded process
        os.close(read)
        message = b""
        try:
            flags = syscalls.CLONE_NEWNS | syscalls.CLONE_NEWNET | syscalls.CLONE_NEWIPC
            syscalls.unshare(flags if root else flags | syscalls.CLONE_NEWUSER)
            if not root:
                for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                                   ("gid_map", f"{gid} {gid} 1")):
                    fd = os.open(f"/proc/self/{name}", os.O_WRONLY)
                    os.write(fd, text.encode())
                    os.close(fd)
            syscalls.mount(None, "/", None, syscalls.MS_REC | syscalls.MS_PRIVATE)
            syscalls.mount("tmpfs", point, "tmpfs", syscalls.MS_NOSUID | syscalls.MS_NODEV,
                           "size=1m,nr_inodes=16,mode=0700")
        except BaseException as exc:  # noqa: BLE001 - whatever failed is the answer
            message = (str(exc) or type(exc).__name__).encode()[:500]
        finally:
            os.write(write, message)
            os._exit(0)
    os.close(write)
    try:
        with os.fdopen(read, "rb") as handle:
            said = handle.read().decode(errors="replace")
        os.waitpid(pid, 0)
    finally:
        os.rmdir(point)
    return said
