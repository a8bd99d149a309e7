"""Grades as a CSV file that a learning management system's gradebook imports.

**Canvas** (Grades, Import): the columns of Canvas's own gradebook export, ``Student``,
``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column per assignment, and a
second row ``Points Possible`` with each assignment's points. A column named as Canvas's export
names an existing assignment, ``Name (12345)``, fills that assignment; any other name makes a
new one. Canvas finds a learner by one of its identifiers: the learner id goes into the column
``id_field`` names (``SIS Login ID`` by default, or ``SIS User ID`` or ``ID``) and into
``Student``; the other identifiers stay empty.

**Moodle** (Grade administration, Import, CSV file): a header row, an identifier column named
after the user field it holds (``username`` by default, or ``email`` or ``idnumber``), then one
column per grade item. On import, map the identifier column to that field ("Map from" / "Map
to") and each grade column to a grade item or a new one.

Only learners with a trustworthy grade get a row (a grade-batch gradebook's ``graded``,
``not_attempted`` and ``no_submission``; never ``needs_regrade`` or ``pending``, which have no
grade, not a zero): an empty cell would clear the grade in Moodle, and leaving a learner out
changes nothing in either system. Those left out are
returned, with why, for the command to list; so is an id that a spreadsheet would run as a
formula (enter that grade by hand).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from torchdojo.classreport.records import Learner
from torchdojo.reporters.common import number

CANVAS_IDS = ("SIS Login ID", "SIS User ID", "ID")
MOODLE_IDS = ("username", "email", "idnumber")
ID_FIELDS = {"canvas": CANVAS_IDS, "moodle": MOODLE_IDS}
CANVAS_HEAD = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    title: str
    topic: str | None  # None: the learner's total
    points: float  # what the column is worth


@dataclass(frozen=True)
class Export:
    text: str
    rows: int
    left_out: list[tuple[str, str]]  # (learner, why)


def columns(learners: Sequence[Learner], title: str, per_topic: bool,
            topic_order: Sequence[str]) -> list[Column]:
    """One column for the total, or one per topic (in course order), worth the most any
    graded learner could score there."""
    reports = [r.report for r in learners if r.report is not None]
    if not per_topic:
        return [Column(title, None, max((r.max_score for r in reports), default=0.0))]
    maxima: dict[str, float] = {}
    for report in reports:
        for topic in report.topics:
            maxima[topic.name] = max(maxima.get(topic.name, 0.0), topic.max_score)
    order = {name: i for i, name in enumerate(topic_order)}
    return [Column(f"{title}: {name}", name, maxima[name])
            for name in sorted(maxima, key=lambda n: order.get(n, len(order)))]


def export(lms: str, learners: Sequence[Learner], cols: Sequence[Column],
           id_field: str | None = None) -> Export:
    """The import file for ``lms`` ("canvas" or "moodle")."""
    field = id_field or ID_FIELDS[lms][0]
    if field not in ID_FIELDS[lms]:
        raise ValueError(f"{lms} identifies learners by {', '.join(ID_FIELDS[lms])}, "
                         f"not {field!r}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if lms == "canvas":
        writer.writerow([*CANVAS_HEAD, *(c.title for c in cols)])
        writer.writerow(["Points Possible", "", "", "", "", *(number(c.points) for c in cols)])
    else:
        writer.writerow([field, *(c.title for c in cols)])
    rows, left_out = 0, []
    for learner in learners:
        why = _left_out(learner)
        if why:
            left_out.append((learner.learner, why))
            continue
        grades = [_grade(learner, c) for c in cols]
        if lms == "canvas":
            ids = {name: learner.learner if name == field else "" for name in CANVAS_HEAD}
            ids["Student"] = learner.learner
            writer.writerow([*ids.values(), *grades])
        else:
            writer.writerow([learner.learner, *grades])
        rows += 1
    return Export(buffer.getvalue(), rows, left_out)


def _left_out(learner: Learner) -> str:
    if learner.pending:
        return "not graded yet (pending)"
    if learner.report is None:
        return f"no grade ({learner.regrade})"
    if learner.learner.startswith(FORMULA_START):
        return "the id would run as a spreadsheet formula: enter this grade by hand"
    return ""


def _grade(learner: Learner, column: Column) -> float | int | str:
    report = learner.report
    if column.topic is None:
        return number(report.score)
    found = next((t for t in report.topics if t.name == column.topic), None)
    return "" if found is None else number(found.score)
