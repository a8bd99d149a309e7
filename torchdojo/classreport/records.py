"""The reports a class report is built from, read as untrusted data.

A grades folder is what ``grade-batch --output`` writes (``reports/<learner>.json``) or what
``nbgrader grade --reports DIR`` writes (``DIR/<student>.json``). Each file may come from
another machine or have been edited, so it is read like anything from outside: a regular file
(never through a link) of bounded size, JSON without NaN or infinity (read as grade-batch
reads its records), every field of the
expected type, points that add up, and topics, checks and points that are the course's own.
A file that fails any of this is set aside with the first problem found, and the report lists
it; it never stops the report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torchdojo.batch.records import PENDING, RecordError, read_json
from torchdojo.engine.report import CheckResult, Report, Status, TopicResult

MAX_TEXT = 20_000  # characters of one message kept for the report
TOLERANCE = 1e-3  # reports round points to 4 decimals
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
STATUSES = {s.value for s in Status}

Points = Mapping[str, Mapping[str, int]]  # topic -> check -> the points the course declares


@dataclass
class Learner:
    """One learner's report: a trustworthy grade, or why there is none."""

    learner: str
    file: str
    report: Report | None  # None when the grading could not be trusted (see ``regrade``)
    regrade: str = ""  # why this learner needs a regrade
    flags: list[str] = field(default_factory=list)  # notebooks flagged for a look
    state: str = ""  # a grade-batch output's gradebook state (see ``batch_output``)

    @property
    def pending(self) -> bool:
        """In the batch, but not graded yet: no grade, and no reason to regrade."""
        return self.state == PENDING

    @property
    def graded(self) -> bool:
        return self.report is not None


@dataclass(frozen=True)
class Rejected:
    file: str
    reason: str


@dataclass
class Records:
    folder: Path
    learners: list[Learner]
    rejected: list[Rejected]


def reports_folder(grades: Path) -> Path:
    """``GRADES/reports`` (grade-batch) when it exists, else ``GRADES`` itself (nbgrader)."""
    nested = grades / "reports"
    return nested if nested.is_dir() and not nested.is_symlink() else grades


def read_all(grades: Path, points: Points) -> Records:
    """Every ``*.json`` report under ``grades``, checked against the course's ``points``."""
    folder = reports_folder(grades)
    learners, rejected = [], []
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("."):
            continue  # a temporary file of a writer, not a report
        try:
            learners.append(learner_of(read_json(path), path.stem, path.name, points))
        except (RecordError, OSError, ValueError, RecursionError) as exc:
            rejected.append(Rejected(path.name, _reason(exc)))
    return Records(folder, learners, rejected)


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"cannot be read ({exc.strerror or exc})"
    if isinstance(exc, RecordError):
        return str(exc)
    return f"is not a readable report ({type(exc).__name__}: {exc})"


# ----------------------------------------------------------------------------- one report


def learner_of(doc: Any, stem: str, file: str, points: Points) -> Learner:
    """The learner a report document describes; raises RecordError at the first problem."""
    doc = _mapping(doc, "the report")
    learner = _text(doc.get("learner", doc.get("student", stem)), "learner", limit=200)
    if learner != stem:  # one learner's file cannot speak for another
        raise RecordError(f"is the report of {stem!r} but names {learner!r}")
    flags = _notebook_flags(doc.get("notebooks", []))
    regrade = _regrade(doc)
    if regrade:
        return Learner(learner, file, None, regrade, flags)
    report = _report(doc, points)
    return Learner(learner, file, report, "", flags)


def _regrade(doc: Mapping) -> str:
    """Why the report gives no grade (a grader fault, a dead worker, nothing written)."""
    for key in ("fault", "problem"):
        value = doc.get(key)
        if value is not None:
            text = _text(value, key)
            if text:
                return text
    if doc.get("state") == "needs_regrade":
        return _text(doc.get("reason") or "needs a regrade", "reason")
    return ""


def _notebook_flags(value: Any) -> list[str]:
    flags = []
    for notebook in _sequence(value, "notebooks"):
        notebook = _mapping(notebook, "a notebook")
        topic = _name(notebook.get("topic"), "a notebook's topic")
        problem = notebook.get("problem")
        if problem is not None and _text(problem, "problem"):
            flags.append(f"{topic}: {_text(problem, 'problem')}")
        flags += [f"{topic}: {_text(note, 'note')}" for note in
                  _sequence(notebook.get("notes", []), "notes")]
    return flags


def _report(doc: Mapping, points: Points) -> Report:
    seed = doc.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise RecordError("has no seed")
    tier = _text(doc.get("tier"), "tier")
    if tier not in ("local", "strict"):
        raise RecordError(f"has an unknown tier {tier!r}")
    topics = [_topic(t, points) for t in _sequence(doc.get("topics"), "topics")]
    if not topics:
        raise RecordError("grades no topic")
    if len({t.name for t in topics}) != len(topics):
        raise RecordError("grades a topic twice")
    report = Report(seed=seed, tier=tier, topics=topics)
    _adds_up(doc, report.score, report.max_score, "the report")
    return report


def _topic(value: Any, points: Points) -> TopicResult:
    data = _mapping(value, "a topic")
    name = _name(data.get("name"), "a topic name")
    if name not in points:
        raise RecordError(f"grades {name!r}, which is no topic of this course")
    error = data.get("error")
    topic = TopicResult(name, _text(data.get("title", name), "title", limit=200),
                        error="" if error is None else _text(error, "error"))
    topic.checks = [_check(c, name, points[name]) for c in _sequence(data.get("checks"),
                                                                       "checks")]
    if len({c.name for c in topic.checks}) != len(topic.checks):
        raise RecordError(f"{name} has a check twice")
    _adds_up(data, topic.score, topic.max_score, name)
    return topic


def _check(value: Any, topic: str, declared: Mapping[str, int]) -> CheckResult:
    data = _mapping(value, "a check")
    name = _name(data.get("name"), "a check name")
    if name not in declared:
        raise RecordError(f"{topic}.{name} is no check of this course")
    status = data.get("status")
    if status not in STATUSES:
        raise RecordError(f"{topic}.{name} has an unknown status {status!r}")
    score = _points(data.get("score"), f"{topic}.{name} score")
    maximum = _points(data.get("max_score"), f"{topic}.{name} max_score")
    expected = 0 if status == Status.SKIPPED.value else declared[name]
    if abs(maximum - expected) > TOLERANCE or score > maximum + TOLERANCE:
        raise RecordError(f"{topic}.{name} is worth {expected} here, not {score:g}/{maximum:g}")
    if status != Status.PASSED.value and score > TOLERANCE:
        raise RecordError(f"{topic}.{name} scores {score:g} without passing")
    return CheckResult(name, Status(status), score, maximum,
                       message=_text(data.get("message", ""), "message")[:MAX_TEXT],
                       concept=_text(data.get("concept", ""), "concept")[:MAX_TEXT])


def _adds_up(data: Mapping, score: float, maximum: float, what: str) -> None:
    for key, total in (("score", score), ("max_score", maximum)):
        if abs(_points(data.get(key), f"{what} {key}") - total) > TOLERANCE:
            raise RecordError(f"{what}: {key} is not the sum of its parts")


# ----------------------------------------------------------------------------- field types


def _mapping(value: Any, what: str) -> Mapping:
    if not isinstance(value, dict):
        raise RecordError(f"{what} is not an object")
    return value


def _sequence(value: Any, what: str) -> list:
    if not isinstance(value, list):
        raise RecordError(f"{what} is not a list")
    return value


def _text(value: Any, what: str, limit: int | None = None) -> str:
    if not isinstance(value, str):
        raise RecordError(f"{what} is not text")
    if limit is not None and len(value) > limit:
        raise RecordError(f"{what} is longer than {limit} characters")
    return value


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not NAME.fullmatch(value):
        raise RecordError(f"{what} is not a name")
    return value


def _points(value: Any, what: str) -> float:
    if (not isinstance(value, int | float) or isinstance(value, bool)
            or not math.isfinite(value) or value < 0):
        raise RecordError(f"{what} is not a number of points")
    return float(value)
