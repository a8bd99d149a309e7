"""A learner's record in a batch: ``reports/<learner>.json``, the source of every gradebook row.

The record is the ``--format json`` report plus what makes it reusable (``identity``) and the
learner's state:

- ``graded``: scores stand;
- ``not_attempted``: files were submitted, but every graded check still meets a stub (scores are
  0, and the row says why);
- ``no_submission``: the learner's folder holds no ``<topic>.py`` of the graded topics (0);
- ``needs_regrade``: the grading itself failed (a worker died, a budget ran out, a grader
  fault): no scores, and ``reason`` says why.

A gradebook shows ``pending`` for a learner of the batch that has no record yet.

Records are read back as untrusted data (a merge job reads what other machines produced):
``load`` checks structure, types, arithmetic, the batch key and the course's own checks and
points before anything is used, and refuses the file otherwise.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from torchdojo.batch.identity import BatchKey, Submission
from torchdojo.course import Course
from torchdojo.engine.report import Report, Status

GRADED, NOT_ATTEMPTED, NO_SUBMISSION, NEEDS_REGRADE = (
    "graded", "not_attempted", "no_submission", "needs_regrade")
PENDING = "pending"  # a gradebook state only: the learner has no record yet
STATES = (GRADED, NOT_ATTEMPTED, NO_SUBMISSION, NEEDS_REGRADE)
MAX_BYTES = 16 * 2**20
TOLERANCE = 1e-3  # reports round points to 4 decimals
_SHA256 = re.compile(r"sha256:[0-9a-f]{64}")
_STATUSES = {s.value for s in Status}

Points = Mapping[str, Mapping[str, int]]  # topic -> check -> points the course declares


class RecordError(ValueError):
    """A record that cannot be trusted: the message names the file and the first problem."""


def build(learner: str, report: Report, key: BatchKey, submission: Submission) -> dict:
    data = report.to_dict()
    doc = {"learner": learner, "state": "", "reason": "", "submission": submission.to_dict(),
           "course": key.course, "torchdojo": key.torchdojo, **data}
    doc["state"], doc["reason"] = state_of(doc)
    return doc


def dumps(doc: dict) -> str:
    """The record as JSON; a value that JSON cannot hold (NaN, infinity) is written as null."""
    return json.dumps(_finite(doc), indent=2, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def state_of(doc: Mapping) -> tuple[str, str]:
    """The learner's state and, for ``needs_regrade``, why."""
    if doc.get("fault"):
        return NEEDS_REGRADE, str(doc["fault"])
    if not doc["submission"]["files"]:
        return NO_SUBMISSION, ""
    graded = [c["status"] for t in doc["topics"] for c in t["checks"] if c["status"] != "skipped"]
    if graded and all(s == Status.NOT_ATTEMPTED.value for s in graded):
        return NOT_ATTEMPTED, ""
    return GRADED, ""


def reusable(doc: Mapping, submission: Submission) -> bool:
    """Whether ``--resume`` may keep this (already validated) record instead of regrading."""
    return doc["state"] != NEEDS_REGRADE and doc["submission"]["sha256"] == submission.sha256


def load(path: Path, learner: str, key: BatchKey, points: Points | None = None) -> dict:
    """Read and check ``path``, the record of ``learner`` in a batch with ``key``.

    ``points`` (from the course's catalog) makes every check name and its points be checked
    against what the course declares. Raises ``RecordError``; never anything else.
    """
    try:
        doc = read_json(path)
        _Checker(key, points).record(doc, learner)
    except RecordError as exc:
        raise RecordError(f"{path}: {exc}") from None
    except (OSError, ValueError, RecursionError) as exc:
        raise RecordError(f"{path}: not a readable record ({exc})") from None
    return doc


def read_json(path: Path) -> Any:
    """JSON from a regular file of bounded size, never read through a link, and with no NaN or
    infinity. Raises OSError, ValueError (RecordError among them) or RecursionError."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise RecordError("not a regular file")
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RecordError(f"larger than {MAX_BYTES} bytes")
    return json.loads(data.decode("utf-8"), parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise RecordError(f"{name} is not a number a record may hold")


def course_points(course: Course, topics: Sequence[str]) -> Points:
    """The checks and points the course declares (imports its graders, and so torch)."""
    from torchdojo.engine import catalog

    return {t.name: {c.name: c.points for c in catalog.checks(course, t)}
            for t in course.select(topics)}


class _Checker:
    """Structure, types and arithmetic of one record; raises RecordError at the first problem."""

    def __init__(self, key: BatchKey, points: Points | None) -> None:
        self.key = key
        self.points = points

    def record(self, doc: Any, learner: str) -> None:
        _kind(doc, dict, "the record")
        _same(doc.get("learner"), learner, "learner")
        for field, want in (("seed", self.key.seed), ("tier", self.key.tier),
                            ("course", self.key.course), ("torchdojo", self.key.torchdojo)):
            _same(doc.get(field), want, field)
        _same(doc.get("advisory"), self.key.tier != "strict", "advisory")
        _kind(doc.get("fault"), (str, type(None)), "fault")
        _kind(doc.get("environment"), dict, "environment")
        confinement = _kind(doc.get("confinement"), (dict, type(None)), "confinement")
        if confinement and "waived" in confinement:  # a fault's report holds none
            waived = _kind(confinement["waived"], list, "confinement.waived")
            if not all(isinstance(w, str) for w in waived):
                raise RecordError("confinement.waived must list confinement names")
            _same(sorted(set(waived)), list(self.key.waived), "confinement.waived")
        _number(doc.get("seconds"), "seconds")
        self.submission(doc.get("submission"))
        topics = _kind(doc.get("topics"), list, "topics")
        _same([t.get("name") if isinstance(t, dict) else None for t in topics],
              list(self.key.topics), "topic names")
        for number, topic in enumerate(topics):
            self.topic(topic, f"topics[{number}]")
        _close(doc.get("score"), sum(t["score"] for t in topics), "score")
        _close(doc.get("max_score"), sum(t["max_score"] for t in topics), "max_score")
        statuses = [c["status"] for t in topics for c in t["checks"]]
        _same(doc.get("counts"), {s: statuses.count(s) for s in _STATUSES_IN_ORDER}, "counts")
        _same([doc.get("state"), doc.get("reason")], list(state_of(doc)), "state and reason")

    def submission(self, value: Any) -> None:
        _kind(value, dict, "submission")
        digest = _kind(value.get("sha256"), str, "submission.sha256")
        if not _SHA256.fullmatch(digest):
            raise RecordError("submission.sha256 is not a SHA-256 digest")
        files = _kind(value.get("files"), list, "submission.files")
        allowed = [f"{t}.py" for t in self.key.topics]
        if any(f not in allowed for f in files) or len(set(files)) != len(files):
            raise RecordError("submission.files names files of topics this batch does not grade")

    def topic(self, topic: dict, where: str) -> None:
        for field in ("title", "output"):
            _kind(topic.get(field), str, f"{where}.{field}")
        _kind(topic.get("error"), (str, type(None)), f"{where}.error")
        checks = _kind(topic.get("checks"), list, f"{where}.checks")
        names = [c.get("name") if isinstance(c, dict) else None for c in checks]
        if len(set(names)) != len(names):
            raise RecordError(f"{where}.checks names a check twice")
        declared = self.points.get(topic["name"]) if self.points is not None else None
        for number, check in enumerate(checks):
            self.check(check, declared, f"{where}.checks[{number}]")
        _close(topic.get("score"), sum(c["score"] for c in checks), f"{where}.score")
        _close(topic.get("max_score"), sum(c["max_score"] for c in checks), f"{where}.max_score")

    def check(self, check: dict, declared: Mapping[str, int] | None, where: str) -> None:
        name = _kind(check.get("name"), str, f"{where}.name")
        status = check.get("status")
        if status not in _STATUSES:
            raise RecordError(f"{where}.status {status!r} is not a check status")
        for field in ("message", "concept"):
            _kind(check.get(field), str, f"{where}.{field}")
        _kind(check.get("data"), dict, f"{where}.data")
        _number(check.get("seconds"), f"{where}.seconds")
        score = _number(check.get("score"), f"{where}.score")
        max_score = _number(check.get("max_score"), f"{where}.max_score")
        if declared is not None and name not in declared:
            raise RecordError(f"{where}: the course has no check {name!r} in this topic")
        want_max = 0 if status == "skipped" else (declared[name] if declared is not None
                                                  else max_score)
        _close(max_score, want_max, f"{where}.max_score")
        _close(score, max_score if status == "passed" else 0, f"{where}.score ({status})")


_STATUSES_IN_ORDER = [s.value for s in Status]


def _kind(value: Any, kinds: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kinds):
        raise RecordError(f"{what} has the wrong type ({type(value).__name__})")
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value) or value < 0:
        raise RecordError(f"{what} must be a number of at least 0")
    return float(value)


def _same(value: Any, want: Any, what: str) -> None:
    if value != want or type(value) is not type(want):
        shown = repr(value)
        raise RecordError(f"{what} is {shown[:80]}, expected {want!r}"[:240])


def _close(value: Any, want: float, what: str) -> None:
    if abs(_number(value, what) - want) > TOLERANCE:
        raise RecordError(f"{what} is {value!r}, expected {want:g}")
