"""Control groups: one per sandbox, so limits and teardown count its processes together.

``RLIMIT_AS`` and ``RLIMIT_NPROC`` hold per process (or per user), so a sandbox that forks
eight children, or starts DataLoader workers, multiplies them. A control group holds every
process the sandbox starts, whatever it does (``setsid``, double forks): its memory is capped
for all of them together (no swap), their number is capped, they share one CPU weight with
each other (so a sandbox full of busy processes gets no more CPU than one with a single
process), and teardown kills every member until the group is empty.

Both layouts Linux machines have are used:

- **cgroup v2** (GitHub's Ubuntu runners, current distributions): the groups live under
  ``torchdojo/`` at the top of the unified hierarchy, or under the delegated folder that
  ``TORCHDOJO_CGROUP`` names; teardown writes ``cgroup.kill``.
- **cgroup v1** (``memory`` and ``pids`` hierarchies mounted separately): one group in each,
  under the grading process's own group; teardown kills the members until none is left.

Creating groups needs root (or a delegated v2 folder). ``tree()`` finds out, once per
process, whether it can; it says why not otherwise (``Tree.problem``).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "torchdojo-"
CONTROLLERS = ("memory", "pids")  # required; cpu is used where present (a fair share)
_counter = itertools.count(1)


class CgroupError(OSError):
    """A group could not be created, joined or set up."""


@dataclass
class Group:
    """One sandbox's control group: a folder per hierarchy (one on v2)."""

    version: int
    folders: list[Path]
    memory: int
    processes: int

    @property
    def procs(self) -> list[str]:
        """The files a process writes its pid into to join (the sandbox joins itself)."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def members(self) -> list[int]:
        found: set[int] = set()
        for folder in self.folders:
            with contextlib.suppress(OSError, ValueError):
                found.update(int(line) for line in (folder / "cgroup.procs").read_text().split())
        return sorted(found)

    def oom_kills(self) -> int:
        """How many of the group's processes the kernel killed for want of memory."""
        for folder in self.folders:
            for name in ("memory.events", "memory.oom_control"):
                with contextlib.suppress(OSError, ValueError):
                    for line in (folder / name).read_text().splitlines():
                        key, _, value = line.partition(" ")
                        if key == "oom_kill":
                            return int(value)
        return 0

    def peak(self) -> int | None:
        """The most memory the group held at once, in bytes (where the kernel keeps it)."""
        for folder in self.folders:
            for name in ("memory.peak", "memory.max_usage_in_bytes"):
                with contextlib.suppress(OSError, ValueError):
                    return int((folder / name).read_text())
        return None

    def kill(self, wait: float = 5.0) -> list[int]:
        """Kill every member until the group is empty; returns the pids still there after
        ``wait`` seconds (none, unless the kernel refused)."""
        kill_file = self.folders[0] / "cgroup.kill"
        deadline = time.monotonic() + wait
        while True:
            if self.version == 2 and kill_file.exists():
                with contextlib.suppress(OSError):
                    kill_file.write_text("1")
            else:
                for pid in self.members():
                    _kill_member(pid, self.folders)
            left = self.members()
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.01)

    def remove(self) -> None:
        """Remove the (empty) group's folders; a folder still busy is retried briefly."""
        for folder in reversed(self.folders):
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def _kill_member(pid: int, folders: list[Path]) -> None:
    """SIGKILL ``pid`` if it is still in the group: through a pidfd, so a pid the kernel has
    reused for another process meanwhile is never hit."""
    try:
        fd = os.pidfd_open(pid)
    except OSError:
        return  # gone already
    try:
        if _in_group(pid, folders):
            signal.pidfd_send_signal(fd, signal.SIGKILL)
    except OSError:
        pass
    finally:
        os.close(fd)


def _in_group(pid: int, folders: list[Path]) -> bool:
    try:
        lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    except OSError:
        return False
    names = {folder.name for folder in folders}
    return any(line.rsplit("/", 1)[-1] in names for line in lines)


@dataclass
class Tree:
    """Where this process makes sandbox groups, or why it cannot (``problem``, ``remedy``)."""

    version: int = 0
    parents: list[Path] = field(default_factory=list)  # v2: one; v1: memory, pids[, cpu]
    names: list[str] = field(default_factory=list)  # the hierarchies, for the report
    cpu: bool = False
    problem: str = ""
    remedy: str = ""

    @property
    def usable(self) -> bool:
        return not self.problem

    def describe(self) -> str:
        if self.version == 2:
            return "cgroup v2"
        return f"cgroup v1 ({', '.join(self.names)})"

    def create(self, memory: int, processes: int) -> Group:
        """A new, empty group with the limits set; raises ``CgroupError``."""
        if not self.usable:
            raise CgroupError(self.problem)
        name = f"{_owner_prefix()}{os.getpid()}-{next(_counter)}"
        group = Group(self.version, [parent / name for parent in self.parents], memory,
                      processes)
        try:
            for folder in group.folders:
                folder.mkdir()
            if self.version == 2:
                _limits_v2(group.folders[0], memory, processes)
            else:
                _limits_v1(group.folders, memory, processes)
        except OSError as exc:
            group.remove()
            raise CgroupError(exc.errno, f"could not set up {group.folders[0]}: "
                                         f"{exc.strerror or exc}") from None
        return group


def _limits_v2(folder: Path, memory: int, processes: int) -> None:
    (folder / "memory.max").write_text(str(memory))
    with contextlib.suppress(FileNotFoundError):  # absent where the kernel has no swap
        (folder / "memory.swap.max").write_text("0")
    with contextlib.suppress(FileNotFoundError):
        (folder / "memory.oom.group").write_text("1")  # one out of memory ends the sandbox
    (folder / "pids.max").write_text(str(processes))


def _limits_v1(folders: list[Path], memory: int, processes: int) -> None:
    for folder in folders:
        if (folder / "memory.limit_in_bytes").exists():
            (folder / "memory.limit_in_bytes").write_text(str(memory))
            with contextlib.suppress(FileNotFoundError):  # swap accounting is optional
                (folder / "memory.memsw.limit_in_bytes").write_text(str(memory))
            with contextlib.suppress(OSError):
                (folder / "memory.swappiness").write_text("0")
        if (folder / "pids.max").exists():
            (folder / "pids.max").write_text(str(processes))


# ----------------------------------------------------------------------------- finding a tree


@functools.cache
def tree() -> Tree:
    """Where sandbox groups go on this machine (found once per process)."""
    try:
        found = _find()
    except OSError as exc:
        found = Tree(problem=f"the control groups could not be read ({exc.strerror or exc})",
                     remedy="mount the cgroup file system (/sys/fs/cgroup)")
    if found.usable:
        _sweep(found)
    return found


def _find() -> Tree:
    mounts = _mounts()
    own = _own_groups()
    v2 = next((m for m in mounts if m.kind == "cgroup2"), None)
    if v2 is not None and set(CONTROLLERS) <= _controllers(v2.point):
        return _v2(v2)
    v1 = {name: m for m in mounts if m.kind == "cgroup" for name in m.options
          if name in (*CONTROLLERS, "cpu")}
    if set(CONTROLLERS) <= set(v1):
        return _v1(v1, own)
    if v2 is not None or v1:
        return Tree(problem="the memory and pids controllers are not enabled",
                    remedy="enable the cgroup v2 memory and pids controllers (boot with "
                           "systemd.unified_cgroup_hierarchy=1)")
    return Tree(problem="no control groups are mounted",
                remedy="mount the cgroup v2 file system at /sys/fs/cgroup")


def _v2(mount: _Mount) -> Tree:
    named = os.environ.get("TORCHDOJO_CGROUP", "")
    if named:
        parent = Path(named) if Path(named).is_relative_to(mount.point) else \
            mount.point / named.lstrip("/")
    else:
        parent = mount.point / "torchdojo"
    where = parent if parent.exists() else parent.parent
    if not os.access(where, os.W_OK):
        return Tree(problem=f"{where} is not writable here", remedy=_write_remedy())
    try:
        if not named:
            _enable(parent.parent)
            parent.mkdir(exist_ok=True)
        _enable(parent)
    except OSError as exc:
        return Tree(problem=f"cgroup v2 at {parent} cannot hold sandboxes "
                            f"({exc.strerror or exc})",
                    remedy="set TORCHDOJO_CGROUP to a delegated cgroup v2 folder with the "
                           "memory and pids controllers, or run as root (sudo)")
    return Tree(version=2, parents=[parent], names=["unified"], cpu="cpu" in _subtree(parent))


def _v1(mounts: dict[str, _Mount], own: dict[str, str]) -> Tree:
    parents, names = [], []
    for name in (*CONTROLLERS, "cpu"):
        if name not in mounts:
            continue
        mount = mounts[name]
        path = own.get(name, "/")
        if mount.root != "/" and not Path(path).is_relative_to(mount.root):
            path = mount.root  # our group lies outside what is mounted: use its top
        folder = mount.point / os.path.relpath(path, mount.root)
        if not os.access(folder, os.W_OK):
            if name == "cpu":
                continue  # a fair CPU share is welcome, not promised
            return Tree(problem=f"{folder} is not writable here", remedy=_write_remedy())
        parents.append(folder.resolve())
        names.append(name)
    return Tree(version=1, parents=parents, names=names, cpu="cpu" in names)


def _write_remedy() -> str:
    if os.geteuid() != 0:
        return "run as root (sudo)"
    return "make /sys/fs/cgroup writable (a container: --privileged or --cgroupns=host)"


def _enable(folder: Path) -> None:
    """Pass the controllers on to ``folder``'s children: memory and pids must be, cpu may."""
    for name in (*CONTROLLERS, "cpu"):
        if name in _subtree(folder) or name not in _controllers(folder):
            continue
        try:
            (folder / "cgroup.subtree_control").write_text(f"+{name}")
        except OSError:
            if name in CONTROLLERS:
                raise
    missing = set(CONTROLLERS) - _subtree(folder)
    if missing:
        raise CgroupError(0, f"{folder} does not have the {' and '.join(sorted(missing))} "
                             "controller(s)")


def _controllers(folder: Path) -> set[str]:
    try:
        return set((folder / "cgroup.controllers").read_text().split())
    except OSError:
        return set()


def _subtree(folder: Path) -> set[str]:
    try:
        return set((folder / "cgroup.subtree_control").read_text().split())
    except OSError:
        return set()


@dataclass(frozen=True)
class _Mount:
    point: Path
    root: str
    kind: str
    options: frozenset[str]


def _mounts() -> list[_Mount]:
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        head, _, tail = line.partition(" - ")
        fields, tail_fields = head.split(), tail.split()
        if len(fields) < 5 or len(tail_fields) < 3 or tail_fields[0] not in ("cgroup", "cgroup2"):
            continue
        options = frozenset(tail_fields[2].split(","))
        found.append(_Mount(Path(_unescape(fields[4])), _unescape(fields[3]), tail_fields[0],
                            options))
    return found


def _unescape(text: str) -> str:
    return text.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")


def _own_groups() -> dict[str, str]:
    """This process's group in each hierarchy: controller list ("" for v2) -> path."""
    groups = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        groups[names] = path
        for name in names.split(","):
            groups.setdefault(name, path)
    return groups


def _owner_prefix() -> str:
    """Group names carry our PID namespace, so a sweep only judges groups whose owner it can
    see (other containers on the machine may share a hierarchy)."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        namespace = 0
    return f"{PREFIX}{namespace}-"


def _sweep(found: Tree) -> None:
    """Remove groups that a grading process which no longer runs left behind."""
    prefix = _owner_prefix()
    for parent in found.parents:
        with contextlib.suppress(OSError):
            for entry in parent.iterdir():
                if not entry.name.startswith(prefix) or not entry.is_dir():
                    continue
                owner = entry.name[len(prefix):].split("-", 1)[0]
                if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                    stale = Group(found.version, [entry], 0, 0)
                    stale.kill(wait=1.0)
                    stale.remove()
