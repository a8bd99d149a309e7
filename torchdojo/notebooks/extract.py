"""Answers out of a submitted notebook, by grade_id, never by position.

A submitted notebook is untrusted data: it may be corrupt, huge, missing cells, carry
duplicated or stripped metadata, or have its answer cells turned into markdown. Reading it
either gives the answers (with one-line notes about anything odd) or one ``NotebookError``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torchdojo import intake
from torchdojo.notebooks.layout import Layout

MAX_BYTES = intake.NOTEBOOK_LIMIT  # answers are small; anything this big is outputs or an attack


class NotebookError(Exception):
    """A notebook that cannot be graded; the message is one line for the instructor."""


@dataclass
class Answers:
    cells: dict[str, str] = field(default_factory=dict)  # grade_id -> source
    notes: list[str] = field(default_factory=list)


def read(path: Path, within: Path | None = None) -> Any:
    """The notebook at ``path`` as an nbformat v4 node, or a ``NotebookError``.

    It is read by ``intake``, as every learner file is: a link (to anything the grader may
    read), a pipe, a device or an oversized file is refused unread; so is a link anywhere
    between ``within`` (the folder of submissions) and the notebook.
    """
    import nbformat

    try:
        data = intake.read_file(path, limit=MAX_BYTES, within=within, label="")
    except intake.Refused as refusal:
        message = refusal.message
        if "larger than" in message:
            message += "; clear its outputs and submit it again"
        raise NotebookError(message) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as exc:  # any malformed file is the learner's, never our crash
        # Name the error only: its text may quote the file, and reports can go to learners.
        raise NotebookError(f"{path.name} is not a readable notebook "
                            f"({type(exc).__name__})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError(f"{path.name} is not a readable notebook (it has no list of cells)")
    return notebook


def answers(layout: Layout, notebook: Any) -> Answers:
    """The source of each answer cell the layout names. A duplicated answer counts once (the
    last, as nbgrader keeps); a missing one is left out, so it is graded as the stub."""
    wanted = {p.grade_id for p in layout.answers}
    found: dict[str, list[str]] = {}
    result = Answers()
    for cell in notebook["cells"]:
        grade_id = _grade_id(cell)
        if grade_id not in wanted:
            continue
        if cell.get("cell_type") != "code":
            result.notes.append(f"answer cell {grade_id} is not a code cell; it is ignored")
            continue
        found.setdefault(grade_id, []).append(_text(cell.get("source")))
    for part in layout.answers:
        texts = found.get(part.grade_id)
        if not texts:
            result.notes.append(f"answer cell {part.grade_id} is missing; graded as not "
                                "attempted")
            continue
        if len(texts) > 1:
            result.notes.append(f"answer cell {part.grade_id} appears {len(texts)} times; the "
                                "last one is graded")
        result.cells[part.grade_id] = texts[-1]
    return result


def _grade_id(cell: Any) -> str | None:
    if not isinstance(cell, dict):
        return None
    meta = cell.get("metadata")
    marks = meta.get("nbgrader") if isinstance(meta, dict) else None
    grade_id = marks.get("grade_id") if isinstance(marks, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def _text(source: Any) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    return ""
