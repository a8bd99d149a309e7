"""What a learner's report was graded from, so that ``--resume`` and merges can trust it.

A report is reusable when it was graded with the same *batch key* and from the same
submission bytes:

- the seed (inputs differ with it), the tier (local or strict), the graded topics and, for
  strict batches, the confinements the run waived (``--allow-weaker``): a report graded with
  fewer confinements in force is not kept by a run that promises more, nor the other way;
- the course fingerprint: a SHA-256 over every file of ``graders/`` (the manifest, the hidden
  checks and their helpers) and ``solutions/``, by path and content; stubs and docs do not
  change a grade and are left out;
- the engine: torchdojo's version and a SHA-256 over its own modules (``engine_fingerprint``),
  so an editable install whose code changed under the same version number grades again;
- the submission digest: a SHA-256 over what grading reads of the submission (``intake``): the
  ``<topic>.py`` files of the graded topics and the helper modules beside them, by name and
  content, and each file it refuses, by name and reason; so a learner who changed a file since
  is graded again.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torchdojo
from torchdojo.course import Course
from torchdojo.intake import read_submission


@dataclass(frozen=True)
class BatchKey:
    """What every report of one batch shares; reports with another key are not reused."""

    seed: int
    tier: str  # "local" or "strict"
    topics: tuple[str, ...]
    course: str  # course_fingerprint()
    torchdojo: str  # engine_fingerprint(): the engine that graded
    waived: tuple[str, ...] = ()  # strict: the confinements waived (fact names, sorted)

    @classmethod
    def for_run(cls, course: Course, seed: int, strict: bool, topics: Sequence[str],
                waived: Iterable[str] = ()) -> BatchKey:
        return cls(seed, "strict" if strict else "local", tuple(topics),
                   course_fingerprint(course), engine_fingerprint(),
                   tuple(sorted(set(waived))) if strict else ())

    def to_dict(self) -> dict:
        return {**asdict(self), "topics": list(self.topics), "waived": list(self.waived)}

    def differences(self, held: BatchKey) -> list[str]:
        """How ``held`` (an existing batch's key) differs from this one, in words."""
        said = {"seed": "seed", "tier": "tier", "topics": "topics",
                "course": "course (hidden checks or solutions changed)",
                "torchdojo": "torchdojo engine (its version or code changed)",
                "waived": "confinements waived"}
        mine, theirs = asdict(self), asdict(held)
        return [f"{said[k]} {_short(theirs[k], k)} (this run: {_short(mine[k], k)})"
                for k in said if mine[k] != theirs[k]]


_EMPTY = {"topics": "(all)", "waived": "(none)"}  # what an empty list of each means


def _short(value: object, key: str) -> str:
    if isinstance(value, tuple):
        return " ".join(value) or _EMPTY[key]
    text = str(value)
    return text[:19] if text.startswith("sha256:") else text


@functools.cache
def engine_fingerprint() -> str:
    """``VERSION+HASH``: the version and the first 12 hex digits of a SHA-256 over the package's
    own Python modules (not the course copy a wheel carries), by path and content."""
    package = Path(torchdojo.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if relative.parts[0] == "_course":
            continue
        name, data = relative.as_posix().encode(), path.read_bytes()
        digest.update(b"%d:%s%d:" % (len(name), name, len(data)))
        digest.update(data)
    return f"{torchdojo.__version__}+{digest.hexdigest()[:12]}"


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


def submission_digest(course: Course, folder: Path, topics: Sequence[str],
                      within: Path | None = None) -> Submission:
    """What grading reads of ``folder`` for ``topics``, digested (see the module notes).

    Learner files are read as grading reads them (``intake.read_submission``, with ``within``
    the batch's submissions folder): no link is followed, only regular files of bounded size
    are read, and a refused file is digested by its reason. ``files`` names the graded topics'
    files that are there, read or refused.
    """
    read = read_submission(folder, topics, within=within)
    digest = hashlib.sha256()
    for name in sorted({*read.files, *read.refused}):
        content = (b"file:" + read.files[name] if name in read.files
                   else b"refused:" + read.refused[name].encode("utf-8", "backslashreplace"))
        digest.update(b"%d:%s%d:" % (len(name), name.encode(), len(content)))
        digest.update(content)
    present = tuple(n for n in (f"{t}.py" for t in topics) if n in read.files or n in read.refused)
    return Submission("sha256:" + digest.hexdigest(), present)
