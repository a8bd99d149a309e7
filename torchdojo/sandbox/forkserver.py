"""The process that sandboxes are forked from. Imports nothing heavy, so it can start first.

The fork server imports torch once; every sandbox is then a fork of it (milliseconds) instead of
a new interpreter (seconds). Starting it before the grading process imports torch lets the two
imports run side by side. Where fork servers do not exist (Windows), sandboxes are spawned.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterator
from contextlib import contextmanager

PRELOAD = ["torch", "torch._dynamo", "numpy", "safetensors.torch", "torchdojo.sandbox.child"]


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


CONTEXT = _context()


def start() -> None:
    """Start the fork server now (it keeps running for later grade runs in this process)."""
    if CONTEXT.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        with main_hidden():
            forkserver.ensure_running()


@contextmanager
def main_hidden() -> Iterator[None]:
    """Start processes without re-running our ``__main__`` in them (multiprocessing would)."""
    main = sys.modules["__main__"]
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.update(saved)
