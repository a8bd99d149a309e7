"""Run a command on a "machine" that refuses user namespaces, the way container runtimes do.

    python -m tests.refuse_userns COMMAND [ARG...]

Installs a seccomp filter (Docker's default profile has the same rule) under which
``unshare`` and ``clone`` with ``CLONE_NEWUSER`` fail with EPERM and ``clone3`` reports
ENOSYS (so libc falls back to ``clone``), then runs COMMAND; the filter holds for it and
every process it starts. Nothing else changes. Used by the tests to show what strict grading
does where an unprivileged user may not create namespaces (GitHub's ubuntu-24.04 runners).
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct
import sys

CLONE_NEWUSER = 0x10000000
# (audit arch, unshare, clone, clone3)
ARCHES = {"x86_64": (0xC000003E, 272, 56, 435), "aarch64": (0xC00000B7, 97, 220, 435)}
_LD_W_ABS, _JEQ_K, _JSET_K, _RET_K = 0x20, 0x15, 0x45, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000


def _op(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def program() -> bytes:
    arch, unshare, clone, clone3 = ARCHES[platform.machine()]
    return b"".join([
        _op(_LD_W_ABS, 0, 0, 4),  # arch
        _op(_JEQ_K, 1, 0, arch),
        _op(_RET_K, 0, 0, _ALLOW),
        _op(_LD_W_ABS, 0, 0, 0),  # syscall number
        _op(_JEQ_K, 3, 0, unshare),
        _op(_JEQ_K, 2, 0, clone),
        _op(_JEQ_K, 5, 0, clone3),
        _op(_RET_K, 0, 0, _ALLOW),
        _op(_LD_W_ABS, 0, 0, 16),  # flags: the low half of the first argument
        _op(_JSET_K, 0, 1, CLONE_NEWUSER),
        _op(_RET_K, 0, 0, _ERRNO | errno.EPERM),
        _op(_RET_K, 0, 0, _ALLOW),
        _op(_RET_K, 0, 0, _ERRNO | errno.ENOSYS),
    ])


class _Filter(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install() -> None:
    code = program()
    buffer = ctypes.create_string_buffer(code, len(code))
    prog = _Filter(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_no_new_privs, pr_set_seccomp, seccomp_mode_filter = 38, 22, 2
    if libc.prctl(pr_set_no_new_privs, 1, 0, 0, 0) != 0 or \
            libc.prctl(pr_set_seccomp, seccomp_mode_filter, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "could not install the seccomp filter")


if __name__ == "__main__":
    install()
    os.execvp(sys.argv[1], sys.argv[1:])
