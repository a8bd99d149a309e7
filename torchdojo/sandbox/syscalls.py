"""The Linux system calls strict mode needs and Python 3.11 does not wrap (through libc).

Each raises ``OSError`` with the call's name on failure, so callers can report exactly which
confinement the operating system refused. Importing this module is safe on every platform;
only calling it needs Linux.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import platform
import socket
import struct

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_RELATIME = 1 << 21
MNT_DETACH = 2

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38

# statvfs flag -> mount flag: a remount inside a user namespace must keep the locked ones.
_KEPT_FLAGS = {getattr(os, name, 0): flag for name, flag in (
    ("ST_NOSUID", MS_NOSUID), ("ST_NODEV", MS_NODEV), ("ST_NOEXEC", MS_NOEXEC),
    ("ST_NOATIME", MS_NOATIME), ("ST_NODIRATIME", MS_NODIRATIME),
    ("ST_RELATIME", MS_RELATIME))}
_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "ppc64le": 203, "s390x": 217, "riscv64": 41}
# Landlock's calls have the same numbers on every architecture (added after the tables merged).
_LANDLOCK_CREATE_RULESET, _LANDLOCK_RESTRICT_SELF = 444, 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_SCOPE_SIGNAL = 1 << 1
LANDLOCK_SIGNAL_ABI = 6  # Linux 6.12: signals to processes outside the domain can be refused


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _text(value: str | None) -> bytes | None:
    return None if value is None else os.fsencode(value)


def unshare(flags: int) -> None:
    if hasattr(os, "unshare"):  # Python 3.12+
        os.unshare(flags)
        return
    _check(_libc().unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int = 0,
          data: str | None = None) -> None:
    _check(_libc().mount(_text(source), _text(target), _text(fstype), ctypes.c_ulong(flags),
                       _text(data)), f"mount {target}")


def bind(source: str, target: str, *, readonly: bool = True) -> None:
    """Bind ``source`` (recursively) at ``target``; read-only binds keep the source's locks."""
    mount(source, target, None, MS_BIND | MS_REC)
    if readonly:
        kept = os.statvfs(source).f_flag
        extra = sum(flag for st, flag in _KEPT_FLAGS.items() if kept & st)
        mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | extra)


def umount(target: str) -> None:
    _check(_libc().umount2(_text(target), ctypes.c_int(MNT_DETACH)), f"umount {target}")


def pivot_root(new_root: str, put_old: str) -> None:
    number = _PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise OSError(0, f"pivot_root: unknown syscall number on {platform.machine()}")
    _check(_libc().syscall(ctypes.c_long(number), _text(new_root), _text(put_old)), "pivot_root")


def prctl(option: int, value: int) -> None:
    _check(_libc().prctl(ctypes.c_int(option), ctypes.c_ulong(value), ctypes.c_ulong(0),
                       ctypes.c_ulong(0), ctypes.c_ulong(0)), f"prctl {option}")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    """Clear every capability of this process (its user namespace's included)."""
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    _check(_libc().capset(ctypes.byref(header), (_CapData * 2)()), "capset")


def loopback_up() -> None:
    """Bring up ``lo`` in a fresh network namespace (it starts down)."""
    import fcntl

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh22x", b"lo", 0)
        flags = struct.unpack("16sh22x", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sh22x", b"lo", flags | iff_up))


def wipe_environment_block() -> None:
    """Zero the environment strings this process was started with.

    Sandboxes are forked from the fork server, whose exec-time environment (CI tokens included)
    stays readable in memory and in ``/proc/self/environ`` even after ``os.environ`` is cleared.
    """
    with open("/proc/self/stat", "rb") as handle:
        fields = handle.read().rsplit(b")", 1)[1].split()
    start, end = int(fields[47]), int(fields[48])  # env_start, env_end (fields 50 and 51)
    if 0 < start < end:
        ctypes.memset(start, 0, end - start)


class _LandlockRuleset(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


def landlock_abi() -> int:
    """The Landlock ABI version this kernel offers; 0 where it has none (or it is disabled)."""
    try:
        version = _libc().syscall(ctypes.c_long(_LANDLOCK_CREATE_RULESET), None,
                                  ctypes.c_size_t(0),
                                  ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


def scope_signals() -> None:
    """Refuse, from now on, every signal from this process and its descendants to a process
    outside them (``kill(-1)`` included), and ptrace of such processes. Needs no privilege,
    only ``no_new_privs``; Linux 6.12+ (``landlock_abi() >= LANDLOCK_SIGNAL_ABI``)."""
    ruleset = _LandlockRuleset(0, 0, LANDLOCK_SCOPE_SIGNAL)
    fd = _libc().syscall(ctypes.c_long(_LANDLOCK_CREATE_RULESET), ctypes.byref(ruleset),
                         ctypes.c_size_t(ctypes.sizeof(ruleset)), ctypes.c_uint32(0))
    if fd < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"landlock_create_ruleset: {os.strerror(errno)}")
    try:
        _check(_libc().syscall(ctypes.c_long(_LANDLOCK_RESTRICT_SELF), ctypes.c_int(fd),
                               ctypes.c_uint32(0)), "landlock_restrict_self")
    finally:
        os.close(fd)
