"""Messages to and from a process the grading process cannot trust to keep time.

A sandbox runs learner code, and a batch worker grades it; either may stop half-way through a
message (the learner sent ``SIGSTOP``, or spins in a thread while the reply is written). A plain
``Connection.recv_bytes`` then waits forever once the first bytes of a frame have arrived, and
``send_bytes`` waits forever once the peer's buffer is full. A ``Channel`` reads and writes
``multiprocessing``'s frames itself, on a non-blocking descriptor, and every wait has a deadline:
a message either arrives whole in time, or the wait ends with ``Stalled``. Frames larger than
the channel's limit are refused from their length alone, before anything is read or decoded.

Where connections have no descriptor to wait on (Windows pipes), the channel falls back to the
connection's own ``poll`` and ``recv_bytes``: the wait for a message keeps its deadline there,
but a message stopped half-way can still hold it up (local grading only; it is advisory).
"""

from __future__ import annotations

import os
import select
import struct
import time
from typing import Any

_SHORT = struct.Struct("!i")  # multiprocessing.connection's frame length
_LONG = struct.Struct("!Q")  # after a short length of -1, for frames over 2 GiB
CHUNK = 1 << 20


class Stalled(Exception):
    """No whole message within the deadline. ``started`` says whether part of one arrived."""

    def __init__(self, seconds: float, started: bool) -> None:
        super().__init__(f"{'part of a message' if started else 'nothing'} after {seconds:.3g} s")
        self.seconds = seconds
        self.started = started


class TooLarge(Exception):
    """The peer announced a message larger than the channel accepts."""


class Channel:
    """One end of a ``multiprocessing`` connection, read and written with deadlines."""

    def __init__(self, conn: Any, limit: int) -> None:
        self.conn = conn
        self.limit = limit
        self._buffer = bytearray()
        self._fd: int | None = None
        if os.name == "posix":
            self._fd = conn.fileno()
            os.set_blocking(self._fd, False)

    # -- receiving

    def receive(self, timeout: float) -> bytes:
        """The next whole message, within ``timeout`` seconds; else ``Stalled``.

        Raises ``EOFError`` when the peer has gone and ``TooLarge`` for an oversized frame.
        """
        message = self.poll(timeout)
        if message is None:
            raise Stalled(timeout, bool(self._buffer))
        return message

    def poll(self, timeout: float = 0.0) -> bytes | None:
        """The next whole message if one completes within ``timeout`` seconds, else None (a
        partial one is kept for the next call)."""
        if self._fd is None:
            return self._poll_connection(timeout)
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            message = self._take()
            if message is not None:
                return message
            if not _wait(self._fd, select.POLLIN, deadline):
                return None
            try:
                chunk = os.read(self._fd, CHUNK)
            except BlockingIOError:
                continue
            except OSError:
                raise EOFError from None
            if not chunk:
                raise EOFError
            self._buffer += chunk

    def _size(self) -> tuple[int, int] | None:
        """(header bytes, body bytes) of the frame in the buffer, once its length is here."""
        if len(self._buffer) < _SHORT.size:
            return None
        (size,) = _SHORT.unpack_from(self._buffer)
        head = _SHORT.size
        if size == -1:
            if len(self._buffer) < head + _LONG.size:
                return None
            (size,) = _LONG.unpack_from(self._buffer, head)
            head += _LONG.size
        if size < 0 or size > self.limit:
            raise TooLarge(f"a message of {size} bytes (the limit is {self.limit})")
        return head, size

    def _take(self) -> bytes | None:
        size = self._size()
        if size is None or len(self._buffer) < size[0] + size[1]:
            return None
        head, body = size
        message = bytes(self._buffer[head:head + body])
        del self._buffer[:head + body]
        return message

    def _poll_connection(self, timeout: float) -> bytes | None:
        try:
            if not self.conn.poll(max(timeout, 0.0)):
                return None
            return self.conn.recv_bytes(self.limit)
        except OSError as exc:
            if "bad message length" in str(exc):
                raise TooLarge("a message larger than the limit") from None
            raise EOFError from None

    # -- sending

    def send(self, data: bytes, timeout: float) -> None:
        """Write one message within ``timeout`` seconds; else ``Stalled`` (the peer stopped
        reading). Raises ``EOFError`` when the peer has gone."""
        if self._fd is None:
            try:
                self.conn.send_bytes(data)
            except (OSError, ValueError):
                raise EOFError from None
            return
        length = len(data)
        frame = (_SHORT.pack(length) if length <= 0x7FFFFFFF
                 else _SHORT.pack(-1) + _LONG.pack(length))
        view = memoryview(frame + data)
        deadline = time.monotonic() + max(timeout, 0.0)
        while view:
            if not _wait(self._fd, select.POLLOUT, deadline):
                raise Stalled(timeout, len(view) < length)
            try:
                view = view[os.write(self._fd, view[:CHUNK]):]
            except BlockingIOError:
                continue
            except OSError:
                raise EOFError from None


def _wait(fd: int, event: int, deadline: float) -> bool:
    """Whether ``fd`` is ready for ``event`` (or closed) before ``deadline``."""
    poller = select.poll()
    poller.register(fd, event)
    left = max(deadline - time.monotonic(), 0.0)
    return bool(poller.poll(left * 1000))
