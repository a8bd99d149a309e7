"""The one way learner files are read: regular files of bounded size, never through a link.

Every path where learner files arrive (``grade``, ``grade-batch``, the Gradescope runner,
``nbgrader grade``) reads them here, and sandboxes get the bytes read here, never a path to open
again. A submission is untrusted: a ``<topic>.py`` may be a link (to a solution, a grader, a
system file, another learner's file, ``/proc/self/...``), a named pipe that blocks whoever opens
it, a device, a folder, or enormous. Each file is opened without following links (``O_NOFOLLOW``
on every component below the folder the caller names), checked to be a regular file with
``fstat`` on the open descriptor (so nothing can be swapped in between), and read up to a limit.
Anything else is refused with a one-line reason a learner can act on.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

KiB, MiB = 2**10, 2**20
FILE_LIMIT = 1 * MiB  # one module; the largest reference is a few dozen KiB
TOTAL_LIMIT = 4 * MiB  # a submission's modules together
MODULE_LIMIT = 64  # modules read from one submission (topic files and helpers)
NOTEBOOK_LIMIT = 32 * MiB  # a notebook with its outputs
EXERCISES = "exercises"
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.py")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_FD_PATHS = os.open in os.supports_dir_fd and _NOFOLLOW != 0  # POSIX


class Refused(Exception):
    """A file that is not graded; the message names it and says why, in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Submission:
    """The learner's modules as bytes, and what was refused (file name -> reason)."""

    files: dict[str, bytes] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    where: str = ""  # "exercises/" when the modules came from a checkout's exercises folder

    def module(self, topic: str) -> bytes | None:
        return self.files.get(f"{topic}.py")

    def refusal(self, topic: str) -> str | None:
        return self.refused.get(f"{topic}.py")

    def topics(self, names: Iterable[str]) -> list[str]:
        """The topics among ``names`` whose module was read."""
        return [name for name in names if f"{name}.py" in self.files]

    @property
    def notes(self) -> list[str]:
        """One line per refused file, for the report."""
        return list(self.refused.values())


def read_submission(folder: Path, topics: Iterable[str], *, within: Path | None = None,
                    label: str | None = None) -> Submission:
    """The modules of a submission folder laid out like ``exercises/`` (or a checkout that
    holds ``exercises/``): each ``<topic>.py`` of ``topics`` and the helper modules beside them.

    ``folder`` itself is not followed when it is a link, and neither is any folder between
    ``within`` (a folder the caller trusts, such as a batch's submissions folder) and it.
    Messages name files as ``label`` + name (default: as seen from the learner's folder).
    """
    names = [f"{t}.py" for t in topics]
    shown = _shown(folder, within) if label is None else label
    try:
        with _folder(folder, within) as top:
            nested = top.entry(EXERCISES)
            if any(top.entry(n) is not None for n in names) or nested is None or not (
                    stat.S_ISDIR(nested.st_mode) or stat.S_ISLNK(nested.st_mode)):
                return _modules(top, names, shown, "")
            with top.inner(EXERCISES, f"{shown}{EXERCISES}") as inner:
                return _modules(inner, names, f"{shown}{EXERCISES}/", f"{EXERCISES}/")
    except Refused as refusal:
        return Submission(refused=dict.fromkeys(names, refusal.message))


def read_file(path: Path, *, limit: int = FILE_LIMIT, within: Path | None = None,
              label: str | None = None) -> bytes:
    """One learner file (a notebook, say), read as ``read_submission`` reads modules."""
    path = Path(path)
    shown = _shown(path.parent, within) if label is None else label
    with _folder(path.parent, within) as top:
        return top.read(path.name, limit, shown + path.name)


# ----------------------------------------------------------------------------- reading


def _modules(folder: _Folder, names: list[str], shown: str, where: str) -> Submission:
    found = Submission(where=where)
    total = 0
    helpers = sorted(n for n in folder.listing() if _MODULE.fullmatch(n) and n not in names)
    for name in [*names, *helpers]:
        if folder.entry(name) is None:
            continue
        if len(found.files) >= MODULE_LIMIT:
            found.refused[name] = (f"{shown}{name} was not read: a submission has at most "
                                   f"{MODULE_LIMIT} modules")
            continue
        try:
            data = folder.read(name, FILE_LIMIT, shown + name)
        except Refused as refusal:
            found.refused[name] = refusal.message
            continue
        if total + len(data) > TOTAL_LIMIT:
            found.refused[name] = (f"{shown}{name} was not read: a submission's modules hold "
                                   f"at most {_size(TOTAL_LIMIT)} together")
            continue
        total += len(data)
        found.files[name] = data
    return found


def _regular(info: os.stat_result, shown: str, limit: int) -> None:
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        raise Refused(f"{shown} is a link; links are not graded")
    if not stat.S_ISREG(mode):
        raise Refused(f"{shown} is {_kind(mode)}, not a file; it is not graded")
    if info.st_size > limit:
        raise Refused(f"{shown} is larger than {_size(limit)}; it is not graded")


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _size(limit: int) -> str:
    return f"{limit / MiB:g} MiB" if limit >= MiB else f"{limit / KiB:g} KiB"


def _shown(folder: Path, within: Path | None) -> str:
    """How messages name a file: below the learner's folder when it is inside ``within`` (a
    batch's), else below ``folder``'s own name (``exercises/tensors.py``)."""
    folder = Path(folder)
    if within is not None:
        try:
            return "".join(f"{part}/" for part in folder.relative_to(within).parts[1:])
        except ValueError:
            pass
    return f"{folder.name}/" if folder.name else ""


# ----------------------------------------------------------------------------- folders


class _Folder:
    """An open folder. On POSIX it is a descriptor and names are resolved from it, so no
    component can be swapped for a link between a check and a use; elsewhere (Windows) it is
    a path, and each file's identity is compared before and after opening."""

    def __init__(self, path: str, fd: int | None) -> None:
        self.path = path
        self.fd = fd

    def entry(self, name: str) -> os.stat_result | None:
        """What ``name`` is, without following it; None when it does not exist."""
        try:
            if self.fd is not None:
                return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
            return os.lstat(os.path.join(self.path, name))
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise Refused(f"{name} could not be read ({exc.strerror})") from None

    def listing(self) -> list[str]:
        try:
            return os.listdir(self.fd if self.fd is not None else self.path)
        except OSError:
            return []

    @contextmanager
    def inner(self, name: str, shown: str) -> Iterator[_Folder]:
        """The sub-folder ``name``, which must not be a link."""
        info = self.entry(name)
        if info is not None and stat.S_ISLNK(info.st_mode):
            raise Refused(f"{shown} is a link; links are not graded")
        if info is None or not stat.S_ISDIR(info.st_mode):
            raise Refused(f"{shown} is not a folder")
        path = os.path.join(self.path, name)
        if self.fd is None:
            yield _Folder(path, None)
            return
        with _open(name, self.fd, _DIRECTORY | _NOFOLLOW, shown) as fd:
            yield _Folder(path, fd)

    def read(self, name: str, limit: int, shown: str) -> bytes:
        """A regular file, not a link, of at most ``limit`` bytes."""
        seen = self.entry(name)
        if seen is None:
            raise Refused(f"{shown} was not submitted")
        _regular(seen, shown, limit)
        where = (name, self.fd) if self.fd is not None else (os.path.join(self.path, name), None)
        with _open(*where, os.O_NONBLOCK | _NOFOLLOW | _BINARY, shown) as fd:
            now = os.fstat(fd)
            if (now.st_dev, now.st_ino) != (seen.st_dev, seen.st_ino):
                raise Refused(f"{shown} changed while it was read; it is not graded")
            _regular(now, shown, limit)
            chunks, left = [], limit + 1
            while left > 0 and (chunk := os.read(fd, min(left, 256 * KiB))):
                chunks.append(chunk)
                left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise Refused(f"{shown} is larger than {_size(limit)}; it is not graded")
        return data


_BINARY = getattr(os, "O_BINARY", 0)


@contextmanager
def _folder(folder: Path, within: Path | None) -> Iterator[_Folder]:
    """``folder``, open; its last component, and every one below ``within``, not a link."""
    folder = Path(folder)
    parts: tuple[str, ...] = ()
    if within is not None:
        try:
            parts = folder.relative_to(within).parts
        except ValueError:
            within = None
    if within is None or not parts:
        within, parts = folder.parent, (folder.name,)
    if not _FD_PATHS:
        top = _Folder(str(within), None)
        yield from _descend(top, list(parts))
        return
    try:
        fd = os.open(str(within), os.O_RDONLY | _DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Refused(f"{within} could not be read ({exc.strerror})") from None
    try:
        yield from _descend(_Folder(str(within), fd), list(parts))
    finally:
        os.close(fd)


def _descend(folder: _Folder, parts: list[str]) -> Iterator[_Folder]:
    if not parts:
        yield folder
        return
    with folder.inner(parts[0], parts[0]) as inner:
        yield from _descend(inner, parts[1:])


@contextmanager
def _open(name: str, folder: int | None, flags: int, shown: str) -> Iterator[int]:
    flags |= os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(name, flags, dir_fd=folder) if folder is not None else os.open(name, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(f"{shown} is a link; links are not graded") from None
        raise Refused(f"{shown} could not be read ({exc.strerror})") from None
    try:
        yield fd
    finally:
        os.close(fd)
