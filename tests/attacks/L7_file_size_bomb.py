"""L7: writes a 1 GiB file in the working directory, then fills /tmp with files until refused
(capped, so a failing defence cannot fill the disk).

via: grade
"""
import os

_MIB = 1 << 20
_CHUNK = b"\0" * (8 * _MIB)


def _fill(path, cap):
    written, reason = 0, "cap reached"
    try:
        with open(path, "wb") as handle:
            while written < cap:
                handle.write(_CHUNK)
                handle.flush()
                written += len(_CHUNK)
    except OSError as exc:
        reason = exc.strerror
    return written, reason


def _bomb():
    written, reason = _fill("huge.bin", 1024 * _MIB)
    print("FILE BOMB STOPPED AT", written // _MIB, "MiB:", reason, flush=True)
    total = 0
    for number in range(16):
        written, reason = _fill(os.path.join("/tmp", f"fill-{number}.bin"), 128 * _MIB)
        total += written
        if reason != "cap reached" and reason != "File too large":
            break
    print("DISK BOMB STOPPED AT", total // _MIB, "MiB:", reason, flush=True)


_bomb()
