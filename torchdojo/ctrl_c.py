"""The command's Ctrl-C: the first raises KeyboardInterrupt; later ones are ignored, so that
the sandboxes are closed undisturbed.

A Ctrl-C can land where a library swallows the KeyboardInterrupt: importing torch runs C code
that imports numpy and, when that import fails, clears the error and only warns ("Failed to
initialize NumPy"). With later Ctrl-Cs ignored, nothing could stop the command after that. So
the first one is also remembered, and a grade about to start raises it again
(``raise_if_pressed``).
"""

from __future__ import annotations

import signal

_pressed = False


def install() -> None:
    signal.signal(signal.SIGINT, _first)


def _first(signum: int, frame: object) -> None:
    global _pressed
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _pressed = True
    raise KeyboardInterrupt


def raise_if_pressed() -> None:
    """Raise the command's Ctrl-C again, if it came: nothing may start after it."""
    if _pressed:
        raise KeyboardInterrupt
