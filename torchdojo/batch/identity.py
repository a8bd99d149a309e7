"""What a learner's report was graded from, so that ``--resume`` and merges can trust it.

A report is reusable when it was graded with the same *batch key* and from the same
submission bytes:

- the seed (inputs differ with it), the tier (local or strict) and the graded topics;
- the course fingerprint: a SHA-256 over every file of ``graders/`` (the manifest, the hidden
  checks and their helpers) and ``solutions/``, by path and content; stubs and docs do not
  change a grade and are left out;
- the torchdojo version (``torchdojo.__version__``): the engine that compared and scored;
- the submission digest: a SHA-256 over the ``<topic>.py`` files of the graded topics, by name
  and content, so a learner who changed a file since is graded again.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torchdojo
from torchdojo.course import Course
from torchdojo.submission import locate

READ_LIMIT = 64 * 2**20  # hash at most this much of one learner file (its size is hashed too)


@dataclass(frozen=True)
class BatchKey:
    """What every report of one batch shares; reports with another key are not reused."""

    seed: int
    tier: str  # "local" or "strict"
    topics: tuple[str, ...]
    course: str  # course_fingerprint()
    torchdojo: str  # the version that graded

    @classmethod
    def for_run(cls, course: Course, seed: int, strict: bool, topics: Sequence[str]) -> BatchKey:
        return cls(seed, "strict" if strict else "local", tuple(topics),
                   course_fingerprint(course), torchdojo.__version__)

    def to_dict(self) -> dict:
        return {**asdict(self), "topics": list(self.topics)}

    def differences(self, held: BatchKey) -> list[str]:
        """How ``held`` (an existing batch's key) differs from this one, in words."""
        said = {"seed": "seed", "tier": "tier", "topics": "topics",
                "course": "course (hidden checks or solutions changed)",
                "torchdojo": "torchdojo version"}
        mine, theirs = asdict(self), asdict(held)
        return [f"{said[k]} {_short(theirs[k])} (this run: {_short(mine[k])})"
                for k in said if mine[k] != theirs[k]]


def _short(value: object) -> str:
    if isinstance(value, tuple):
        return " ".join(value) or "(all)"
    text = str(value)
    return text[:19] if text.startswith("sha256:") else text


def course_fingerprint(course: Course) -> str:
    """A SHA-256 over the course files that decide a grade (see the module notes)."""
    digest = hashlib.sha256()
    for folder in (course.graders, course.solutions):
        for path in sorted(_files(folder)):
            name = path.relative_to(course.root).as_posix().encode()
            data = path.read_bytes()
            digest.update(b"%d:%s%d:" % (len(name), name, len(data)))
            digest.update(data)
    return "sha256:" + digest.hexdigest()


def _files(folder: Path) -> Iterable[Path]:
    for path in folder.rglob("*"):
        parts = path.relative_to(folder).parts
        if path.is_file() and "__pycache__" not in parts and not path.name.startswith("."):
            yield path


@dataclass(frozen=True)
class Submission:
    sha256: str
    files: tuple[str, ...]  # the <topic>.py names found (links included)

    def to_dict(self) -> dict:
        return {"sha256": self.sha256, "files": list(self.files)}


def submission_digest(course: Course, folder: Path, topics: Sequence[str]) -> Submission:
    """Name and content of each graded ``<topic>.py`` (see the module notes).

    Learner files are read as the grader reads submissions: a link is not followed (its target
    text is hashed instead), anything but a regular file or a link counts as absent, and reads
    are bounded.
    """
    where = locate(course, folder)
    digest = hashlib.sha256()
    found = []
    for topic in topics:
        name = f"{topic}.py"
        content = _content(where / name)
        if content is None:
            continue
        found.append(name)
        digest.update(b"%d:%s%d:" % (len(name), name.encode(), len(content)))
        digest.update(content)
    return Submission("sha256:" + digest.hexdigest(), tuple(found))


def _content(path: Path) -> bytes | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode):
        try:
            return b"link:" + os.fsencode(os.readlink(path))
        except OSError:
            return None
    if not stat.S_ISREG(info.st_mode):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None  # swapped for something else since lstat
        size = os.fstat(handle.fileno()).st_size
        return b"file:%d:" % size + handle.read(READ_LIMIT)
