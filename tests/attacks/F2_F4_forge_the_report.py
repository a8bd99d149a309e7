"""F2-F4: forges the report: files written everywhere it can reach (cwd, HOME, /tmp, the repo
root, the --output path), an atexit hook and a finalizer that rewrite reports at exit, and a
daemon (double fork + setsid) that keeps rewriting the --output path after the sandbox is gone.

via: cli
Every graded function is still the stub, so an honest report gives this topic 0. The daemon
prints its pid, so the test can prove it is dead once the grading process returns. Shared
folders only get a file named after this test, so a failing defence litters nothing else.
"""
import atexit
import contextlib
import json
import os
import sys
import time
import weakref
from pathlib import Path

_FORGED = json.dumps({"score": 100, "max_score": 100, "tier": "strict", "topics": []})
_OWN = [Path.cwd(), Path("__MARKERS__")]  # folders this test owns: every usual name
_SHARED = [Path.home(), Path("/root"), Path("/tmp")]  # folders others use: one unique name


def _write(path):
    try:
        Path(path).write_text(_FORGED)
        return [str(path)]
    except OSError:
        return []


def _forge():
    package = sys.modules.get("torchdojo")
    if package is not None and getattr(package, "__file__", None):
        _SHARED.append(Path(package.__file__).resolve().parents[1])  # the repo root
    written = _write("__OUTPUT__")
    for folder in _OWN:
        for name in ("results.json", "report.xml", ".grade_result"):
            written += _write(folder / name)
    for folder in _SHARED:
        written += _write(folder / "forged-__TOKEN__.json")
    print("FORGED", len(written), written, flush=True)


def _rewrite_at_exit():
    _write("__OUTPUT__")
    _write("__MARKERS__/atexit-ran")


def _daemon():
    if os.fork() != 0:
        return
    os.setsid()
    if os.fork() != 0:
        os._exit(0)
    print(f"DAEMON {os.getpid()}", flush=True)
    for fd in (0, 1, 2):  # leave the sandbox's output pipe, as real daemons do
        with contextlib.suppress(OSError):
            os.close(fd)
    while True:
        _write("__OUTPUT__")
        _write("__MARKERS__/daemon-alive")
        time.sleep(0.05)


class _Canary:
    pass


_forge()
atexit.register(_rewrite_at_exit)
_keep = _Canary()
weakref.finalize(_keep, _rewrite_at_exit)
_daemon()
time.sleep(0.3)  # let the daemon announce itself before grading starts
