"""The command's Ctrl-C: the first raises KeyboardInterrupt; later ones are ignored, so that
the sandboxes are closed undisturbed.

A Ctrl-C can land where a library swallows the KeyboardInterrupt: importing torch runs C code
that imports numpy and, when that import fails, clears the error and only warns ("Failed to
initialize NumPy"). With later Ctrl-Cs ignored, nothing could stop the command after that. So
the first one is also remembered, and a grade about to start raises it again
(``raise_if_pressed``). Where Python cannot raise it at all (in a weakref callback of the
import system, a ``__del__``), it would print "Exception ignored" and a traceback; being
remembered, it is dropped there instead (``_quiet``).
"""

from __future__ import annotations

import signal
import sys
from typing import Any

_pressed = False


def install() -> None:
    signal.signal(signal.SIGINT, _first)
    if getattr(sys.unraisablehook, "__name__", "") != "_quiet":
        _quiet.previous = sys.unraisablehook  # type: ignore[attr-defined]
        sys.unraisablehook = _quiet


def _quiet(unraisable: Any) -> None:
    """A Ctrl-C Python could not raise: already remembered, so not printed; the rest as
    before."""
    if not (_pressed and isinstance(unraisable.exc_value, KeyboardInterrupt)):
        _quiet.previous(unraisable)  # type: ignore[attr-defined]


def _first(signum: int, frame: object) -> None:
    global _pressed
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _pressed = True
    raise KeyboardInterrupt


def raise_if_pressed() -> None:
    """Raise the command's Ctrl-C again, if it came: nothing may start after it."""
    if _pressed:
        raise KeyboardInterrupt
