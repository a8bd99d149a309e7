"""Ending a process that imported torch, without tearing torch down.

At exit Python frees its modules one by one: with torch loaded that takes 0.6 s (1 s with
torch._dynamo), after every result was written, and a fork server left to end by itself spends
as long again on a core of its own. A command or a batch worker whose work is done ends here
instead: exit handlers run and the streams are flushed, then the process ends.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import time
from typing import NoReturn


def quick_exit(status: int) -> NoReturn:
    forkserver = sys.modules.get("torchdojo.sandbox.forkserver")
    if forkserver is not None:
        forkserver.stop()  # killed: it has nothing left to serve or to clean up
    atexit._run_exitfuncs()
    _stop_resource_tracker()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what could be written was
            status = status or 1
    os._exit(status)


TRACKER_WAIT = 2.0  # seconds; the tracker has nothing to clean up after a grade


def _stop_resource_tracker() -> None:
    """End multiprocessing's resource tracker (started with the fork server and with spawned
    batch workers) and reap it.

    It ends by itself once every process holding its pipe is gone, but a moment after this
    one: on a busy machine it was still running after the command returned. Its pipe is closed
    here and it is waited for, briefly: a learner's process that escaped its sandbox may still
    hold the pipe (sandboxes inherit it), and the command must not wait on that (the tracker's
    own ``_stop()`` would: it waits for the tracker without a limit).
    """
    module = sys.modules.get("multiprocessing.resource_tracker")
    tracker = getattr(module, "_resource_tracker", None)
    fd, pid = getattr(tracker, "_fd", None), getattr(tracker, "_pid", None)
    if fd is None or pid is None:
        return
    tracker._fd = tracker._pid = None
    with contextlib.suppress(OSError):
        os.close(fd)
    deadline = time.monotonic() + TRACKER_WAIT
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:  # not ours to wait for, or reaped already
            return
        time.sleep(0.005)
