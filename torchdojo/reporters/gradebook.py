"""The CSV gradebook of a batch: one row per learner, one column per topic, then the totals.

A learner whose grading could not be trusted (a grader fault, a worker that died, a budget
overrun) gets a row with empty scores and the reason in ``status``: an empty cell asks for a
regrade, a zero would be read as a grade. Cells are one line of text that only shows, guarded
against spreadsheet formulas, since learner names come from folder names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from torchdojo.engine.report import Report
from torchdojo.engine.sanitize import text
from torchdojo.reporters.common import number

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CELL_LIMIT = 1000


def render(rows: Sequence[tuple[str, Report | None]], topics: Sequence[str]) -> str:
    """``rows`` pairs each learner with its report, or None while it is not graded yet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", *topics, "total", "max_score", "status", "seed"])
    for learner, report in rows:
        writer.writerow([_cell(v) for v in _row(learner, report, topics)])
    return buffer.getvalue()


def _row(learner: str, report: Report | None, topics: Sequence[str]) -> list:
    blanks = [""] * len(topics)
    if report is None:
        return [learner, *blanks, "", "", "pending", ""]
    if report.fault:
        return [learner, *blanks, "", "", f"error: {report.fault}", report.seed]
    scores = {t.name: number(t.score) for t in report.topics}
    return [learner, *[scores.get(t, "") for t in topics], number(report.score),
            number(report.max_score), "graded", report.seed]


def _cell(value: object) -> object:
    """A cell a spreadsheet shows as text: one line, nothing that acts, no formula."""
    if isinstance(value, str):
        value = " ".join(text(value, CELL_LIMIT).split())
        if value.startswith(FORMULA_START):
            return "'" + value
    return value
