"""Writing result files so that a reader never sees a half-written or planted one."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in one step: a private temporary file, then a rename.

    The rename replaces whatever is at ``path`` (a file or a symlink someone planted there)
    without following it, and a reader sees either the old file or the complete new one. A crash
    or an interrupt leaves no partial file behind. The folder is created if needed.

    A character device or a pipe (``--output /dev/null``, ``/dev/stdout``, a FIFO) is written
    into, never replaced: replacing it would turn ``/dev/null`` into a file for everyone.
    """
    path = Path(path)
    if _is_stream(path):
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes it private; a report is meant to be read
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _is_stream(path: Path) -> bool:
    """Whether ``path`` is (or links to) a character device or a pipe: nothing a rename may
    replace, and nothing a planted link could make us overwrite."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)
