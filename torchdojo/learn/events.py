"""What watch mode reacts to: saves of exercise files, and keys the learner presses.

Both arrive on one queue as ``Event``s, each source in its own daemon thread, so the main
thread can grade (pytest needs it) and still hear Ctrl-C. Keys are read one at a time where
the terminal allows it (POSIX cbreak mode, Windows ``msvcrt``) and a line at a time otherwise
(a pipe, an IDE's console), so the manual fallback always works.
"""

from __future__ import annotations

import os
import queue
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

# Arrow and function keys arrive as escape sequences (ESC [ A, ESC O H): they mean nothing here.
_ESCAPES = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?")
# Group a save's burst of events (truncate, write, rename) before grading, but not for long.
STEP_MS = 10
DEBOUNCE_MS = 300
POLL_SECONDS = 0.2  # how often the main thread wakes to notice Ctrl-C (Windows)


@dataclass(frozen=True)
class Event:
    kind: str  # "saved" (payload: file names), "key" (payload: the key), "closed"
    payload: object = None


class Inputs:
    """A queue fed by a file watcher and a key reader."""

    def __init__(self) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self._stop = threading.Event()

    def next(self) -> Event:
        while True:
            with suppress(queue.Empty):
                return self.events.get(timeout=POLL_SECONDS)

    def pending(self) -> list[Event]:
        """Events that arrived while we were busy, without waiting."""
        found = []
        while True:
            try:
                found.append(self.events.get_nowait())
            except queue.Empty:
                return found

    def stop(self) -> None:
        self._stop.set()

    # -- sources

    def watch(self, folder: Path, force_polling: bool = False) -> None:
        threading.Thread(target=self._watch, args=(folder, force_polling), daemon=True,
                         name="torchdojo-watch-files").start()

    def _watch(self, folder: Path, force_polling: bool) -> None:
        from watchfiles import watch

        try:
            for changes in watch(folder, stop_event=self._stop, step=STEP_MS,
                                 debounce=DEBOUNCE_MS, recursive=False,
                                 force_polling=force_polling or None, poll_delay_ms=100,
                                 raise_interrupt=False, ignore_permission_denied=True):
                self.events.put(Event("saved", frozenset(Path(p).name for _, p in changes)))
        except Exception as exc:  # a watcher that cannot start leaves the keys working
            self.events.put(Event("closed", f"file watching stopped: {exc}"))

    def read_keys(self, stream: object | None = None) -> None:
        threading.Thread(target=self._keys, args=(stream or sys.stdin,), daemon=True,
                         name="torchdojo-keys").start()

    def _keys(self, stream: object) -> None:
        for key in _keys(stream):
            self.events.put(Event("key", key))
            if self._stop.is_set():
                return


def _keys(stream: object) -> Iterator[str]:
    """Keys as the learner presses them; Enter is "\\n". Ends when input ends."""
    if _is_terminal(stream) and os.name == "nt":
        import msvcrt

        while True:
            key = msvcrt.getwch()
            if key in ("\x00", "\xe0"):  # an arrow or function key: its code follows
                msvcrt.getwch()
                continue
            yield "\n" if key == "\r" else key
    if _is_terminal(stream):
        fd = stream.fileno()
        while chunk := os.read(fd, 32):
            for key in _ESCAPES.sub("", chunk.decode("utf-8", "replace")):
                yield "\n" if key in "\r\n" else key
        return
    for line in stream:  # no terminal: one command per line, Enter alone re-grades
        yield line.strip()[:1].lower() or "\n"


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


@contextmanager
def single_keys(stream: object | None = None) -> Iterator[bool]:
    """Keys arrive without Enter and are not echoed (POSIX cbreak mode) for the duration.

    Yields whether that is the case. Windows consoles need nothing (``msvcrt`` reads keys
    directly); pipes and non-terminals keep line input.
    """
    stream = stream or sys.stdin
    if not _is_terminal(stream):
        yield False
        return
    if os.name == "nt":
        yield True
        return
    import termios
    import tty

    fd = stream.fileno()
    try:
        saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
    except termios.error:
        yield False
        return
    try:
        yield True
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
