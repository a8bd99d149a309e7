"""The CSV gradebook of a batch: one row per learner, one column per topic, then the totals.

``status`` tells the learner's state apart (see ``batch.records``): ``graded``,
``not_attempted`` and ``no_submission`` have scores (the last two score 0);
``needs_regrade`` has empty scores and ``reason`` says why (an empty cell asks for a regrade,
a zero would be read as a grade); ``pending`` is a learner not graded yet.

Learner ids come from folder names, so no cell may start a spreadsheet formula. A cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab, a line break or ``'`` gets one ``'`` in front:
spreadsheets read that as "text" and hide it, so they show the id exactly as given; a program
reading the file drops one leading ``'`` from a cell that has one (``learner_id``). Every id
that starts with ``'`` got one, so the rule recovers any id exactly, except one holding
characters that act rather than show (a terminal escape, a control character): no cell holds
those, they are spelled out (``engine.sanitize``), and other text cells are cut to
``CELL_LIMIT`` characters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from torchdojo.engine.sanitize import text

QUOTE = "'"
NEEDS_QUOTE = ("=", "+", "-", "@", "\t", "\r", "\n", QUOTE)
COLUMNS_AFTER_TOPICS = ("total", "max_score", "status", "reason", "seed")
SCORED = ("graded", "not_attempted", "no_submission")
CELL_LIMIT = 1000


class Row(NamedTuple):
    learner: str
    state: str  # graded, not_attempted, no_submission, needs_regrade, pending
    record: Mapping | None  # the learner's report (batch.records), if there is one
    reason: str = ""  # why a learner needs a regrade, when its record does not say


def render(rows: Sequence[Row], topics: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", *topics, *COLUMNS_AFTER_TOPICS])
    for row in rows:
        learner, *rest = _cells(row, topics)
        writer.writerow([escape(text(learner)), *(_text(v) for v in rest)])
    return buffer.getvalue()


def _cells(row: Row, topics: Sequence[str]) -> list:
    record = row.record or {}
    seed = record.get("seed", "")
    if row.state not in SCORED:
        reason = row.reason or record.get("reason", "")
        return [row.learner, *[""] * len(topics), "", "", row.state, reason, seed]
    scores = {t["name"]: t["score"] for t in record["topics"]}
    return [row.learner, *[scores.get(t, "") for t in topics], record["score"],
            record["max_score"], row.state, "", seed]


def escape(cell: str) -> str:
    """A learner id (or any text) as a cell no spreadsheet evaluates; ``learner_id`` undoes it."""
    return QUOTE + cell if cell.startswith(NEEDS_QUOTE) else cell


def learner_id(cell: str) -> str:
    """The learner id a gradebook cell holds (the inverse of ``escape``)."""
    return cell[1:] if cell.startswith(QUOTE) else cell


def _text(value: object) -> object:
    """Other text cells are for reading: one line that only shows, and escaped like ids."""
    if isinstance(value, str):
        value = text(value, CELL_LIMIT)
        return escape(" ".join(value.split()) if "\n" in value or "\r" in value else value)
    return value
