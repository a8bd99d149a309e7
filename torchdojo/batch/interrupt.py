"""Ctrl-C and termination requests, turned into a flag the batch checks at safe points.

A ``KeyboardInterrupt`` raised at an arbitrary bytecode could cut a report write short or drop a
result that had arrived. Instead, while a batch runs, SIGINT and SIGTERM only record the signal
and write a byte to a pipe that the pool waits on, so the pool wakes at once, stops its workers
and the batch saves what finished. Outside the main thread (where Python cannot install
handlers) this does nothing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(Exception):
    """Raised at a safe point once a stop was requested."""


class Interrupt:
    """Use as a context: ``signum`` is the signal that asked to stop (0 while none did)."""

    def __init__(self) -> None:
        self.signum = 0
        self.fd = -1  # readable once a signal arrived: for select()-style waits
        self._write = -1
        self._saved: dict[int, Any] = {}
        self._wakeup = -1

    def __enter__(self) -> Interrupt:
        if threading.current_thread() is not threading.main_thread():
            return self
        self.fd, self._write = os.pipe()
        os.set_blocking(self.fd, False)
        os.set_blocking(self._write, False)
        for signum in SIGNALS:
            self._saved[signum] = signal.signal(signum, self._handle)
        self._wakeup = signal.set_wakeup_fd(self._write)
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._saved:
            return
        signal.set_wakeup_fd(self._wakeup)
        for signum, handler in self._saved.items():
            signal.signal(signum, handler)
        self._saved.clear()
        for fd in (self.fd, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.fd = self._write = -1

    def _handle(self, signum: int, frame: Any) -> None:
        self.signum = self.signum or signum  # the wakeup fd already got its byte

    def drain(self) -> None:
        """Empty the pipe: any signal Python handles writes to it, and a byte left there would
        wake every later wait at once."""
        with contextlib.suppress(OSError):
            while self.fd >= 0 and os.read(self.fd, 4096):
                pass

    @property
    def requested(self) -> bool:
        return bool(self.signum)

    def check(self) -> None:
        """Raise ``Interrupted`` if a stop was requested."""
        if self.signum:
            raise Interrupted(signal.Signals(self.signum).name)

    @property
    def exit_code(self) -> int:
        """The conventional status of a process stopped by this signal (130 for Ctrl-C)."""
        return 128 + self.signum if self.signum else 0
