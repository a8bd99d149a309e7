"""The process that sandboxes are forked from. Imports nothing heavy, so it can start first.

The fork server imports torch once; every sandbox is then a fork of it (milliseconds) instead of
a new interpreter (seconds). Starting it before the grading process imports torch lets the two
imports run side by side. Where fork servers do not exist (Windows), sandboxes are spawned.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

# What a sandbox would otherwise import on its own, in every sandbox. symbolic_shapes brings
# sympy, which torch's Python references import on their first elementwise op (a module's
# forward with a tensor buffer: 0.3 s); DataLoader workers import numpy.random. torch._dynamo
# is not among them: the sandbox child puts a stand-in in its place (see
# torchdojo.lazy_dynamo), since it costs 0.7 s more and grading compiles nothing.
PRELOAD = ["torch", "torch.fx.experimental.symbolic_shapes", "numpy", "numpy.random",
           "safetensors.torch", "torchdojo.sandbox.child"]
# TORCHDOJO_START_METHOD=spawn grades as Windows does, to try that path on any machine.
METHODS = ("forkserver", "spawn")


def _context() -> multiprocessing.context.BaseContext:
    available = multiprocessing.get_all_start_methods()
    wanted = os.environ.get("TORCHDOJO_START_METHOD", "")
    method = wanted if wanted in METHODS and wanted in available else (
        "forkserver" if "forkserver" in available else "spawn")
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(PRELOAD)
    return ctx


CONTEXT = _context()


def start() -> None:
    """Start the fork server now (it keeps running for later grade runs in this process)."""
    if CONTEXT.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        with main_hidden():
            forkserver.ensure_running()


def import_preloaded() -> None:
    """Import here what the fork server preloads for the sandboxes.

    The grading process runs the references' probes itself and needs most of these modules.
    Met in the middle of a grade, each import is paid on its critical path; paid now, they run
    while the fork server imports the same modules for the first sandbox, which waits for them
    anyway. A warm process has them all already. The grade calls this for several topics; for
    one topic it would cost more than it saves (a CLI test file of one-topic grades took 15%
    longer when this also imported torch._dynamo).
    """
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)


START_DEADLINE = 60.0  # seconds a sandbox's start may take, at the least


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Give up starting a process after ``seconds`` (at least ``START_DEADLINE``).

    Starting a sandbox waits for the fork server to answer with the new pid. Learner code in
    local grading runs as the same user as the fork server and can stop it (``SIGSTOP``); the
    wait would then never end. Past the deadline the fork server is killed, so the wait ends
    with an error, and the next start launches a fresh server.
    """
    if CONTEXT.get_start_method() != "forkserver":
        yield
        return
    timer = threading.Timer(max(seconds, START_DEADLINE), _kill_server)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _kill_server() -> int | None:
    """Kill the fork server, if one runs; its pid."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)  # multiprocessing keeps it
    if pid:
        with suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return pid


def stop() -> None:
    """End the fork server now. It ends by itself when this process exits, but only once it
    looks at its pipe again, after its imports: seconds later, if Ctrl-C came while it was
    still importing torch."""
    pid = _kill_server()
    if pid:
        with suppress(OSError):
            os.waitpid(pid, 0)


# What the fork server (and so every sandbox) inherits of the environment: what Python, torch and
# the hardware need, and nothing that could be a credential (CI tokens, cloud keys).
_INHERITED = ("LANG", "LC_", "TZ", "PATH", "LD_LIBRARY_PATH", "PYTHON", "VIRTUAL_ENV", "CONDA_",
              "CUDA_", "NVIDIA_", "CUDNN_", "CUBLAS_", "NCCL_", "TORCH", "PYTORCH_", "OMP_",
              "MKL_", "KMP_", "OPENBLAS_", "GOMP_", "TMPDIR", "HOME", "USER", "TERM", "NO_COLOR")
_SECRET = re.compile("TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|KEY|COOKIE|SESSION", re.IGNORECASE)


def sandbox_environment(environ: dict[str, str]) -> dict[str, str]:
    """What a fork server started now gets: the safe variables, ``PYTHONSAFEPATH``, and a path
    on which torchdojo is found."""
    kept = {k: v for k, v in environ.items()
            if k.startswith(_INHERITED) and not _SECRET.search(k)}
    home = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = [p for p in kept.get("PYTHONPATH", "").split(os.pathsep) if p]
    kept["PYTHONPATH"] = os.pathsep.join(path if home in path else [*path, home])
    kept["PYTHONSAFEPATH"] = "1"
    return kept


@contextmanager
def main_hidden() -> Iterator[None]:
    """Start processes without re-running our ``__main__`` in them (multiprocessing would),
    without the grader's secrets in their environment (a fork server started here passes its
    environment on to every sandbox, which could read it back from its own memory), and with
    ``PYTHONSAFEPATH``: the fork server is a ``python -c`` process, which would otherwise look
    for torch, numpy and safetensors in the working directory first (a learner's folder)."""
    main = sys.modules["__main__"]
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    environ = dict(os.environ)
    os.environ.clear()
    os.environ.update(sandbox_environment(environ))
    try:
        with _ctrl_c_blocked():
            yield
    finally:
        main.__dict__.update(saved)
        os.environ.clear()
        os.environ.update(environ)


@contextmanager
def _ctrl_c_blocked() -> Iterator[None]:
    """Processes started now never see a Ctrl-C, and neither do their forks (sandboxes,
    ranks): they start with SIGINT blocked, a signal mask that fork and exec keep.

    Ctrl-C in a terminal signals every process of the foreground group: without this, a fork
    server still importing torch would print a KeyboardInterrupt traceback of its own. The
    grading process alone decides what an interrupt means and closes every sandbox. Only this
    thread blocks it, and only while they start: a Ctrl-C meant for us meanwhile is kept
    pending by the kernel and arrives as soon as the mask is back (ignoring SIGINT instead,
    which is process-wide, dropped it). multiprocessing's resource tracker is started first:
    it unblocks the signals it blocks for its own start.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C held back arrives now
