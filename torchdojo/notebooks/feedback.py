"""torchdojo's verdicts where ``nbgrader generate_feedback`` shows them: in the test cells.

``generate_feedback`` renders ``autograded/<student>/<assignment>/<notebook>.ipynb``, every
cell with its outputs, and beside each test cell the score the gradebook holds. What
``nbgrader autograde`` left in a test cell's output is what the check printed in the
learner's kernel: graded on the kernel's inputs, and fakeable by anything that ran in that
kernel. So ``torchdojo nbgrader grade`` replaces each test cell's outputs with its own
verdict, the score it wrote into the gradebook and the lesson (the same words as ``torchdojo
grade``), and the feedback says what was scored and why. The notebook is rewritten in one
step (a reader never sees half of it) and keeps the permissions nbgrader gave it.
Autograded notebooks are nbgrader's output, but their outputs came from the learner's kernel:
they are read with the same bounds as a submission.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from torchdojo.engine.report import CheckResult, Status, TopicResult
from torchdojo.files import write_atomically
from torchdojo.notebooks import extract
from torchdojo.notebooks.layout import check_id
from torchdojo.notebooks.students import Assignment, NotebookGrade, StudentGrade, cell_scores
from torchdojo.reporters.common import check_text

NO_AUTOGRADED = "no autograded notebook to hold the feedback"


def write_feedback(coursedir: Any, plan: Assignment, grade: StudentGrade, seed: int) -> list[str]:
    """Put the verdicts into the student's autograded notebooks; returns notes on notebooks
    that have none to put them in (autograde has not run, or its notebook is unreadable)."""
    folder = Path(coursedir.format_path(coursedir.autograded_directory, grade.student,
                                        plan.name))
    autograded = Path(coursedir.root) / coursedir.autograded_directory
    notes = []
    for notebook in grade.notebooks:
        if notebook.result is None:
            continue  # not graded (missing or unreadable): nothing to explain per check
        path = folder / f"{notebook.topic}.ipynb"
        if not path.exists():
            notes.append(f"{notebook.topic}: {NO_AUTOGRADED}")
            continue
        try:
            document = extract.read(path, within=autograded)
            if _fill(document, plan, notebook, seed):
                _save(path, document)
        except Exception as exc:  # feedback is a courtesy: it never costs a grade
            notes.append(f"{notebook.topic}: the feedback was not written "
                         f"({type(exc).__name__}: {exc})")
    return notes


def _fill(document: Any, plan: Assignment, notebook: NotebookGrade, seed: int) -> bool:
    """Replace the output of every test cell a check answers; True when any was."""
    import nbformat

    results = {check_id(spec): _result(notebook.result, spec.name)
               for spec in plan.layouts[notebook.topic].checks}
    scores = cell_scores(plan, notebook)
    first, changed = True, False
    for cell in document["cells"]:
        grade_id = _test_cell(cell)
        if grade_id not in results or results[grade_id] is None or grade_id not in scores:
            continue
        text = verdict(results[grade_id], scores[grade_id][0],
                       plan.notebooks[notebook.topic][grade_id], seed)
        if first and notebook.result.error:
            text += f"\nYour answers could not be imported: {notebook.result.error}\n"
        cell["outputs"] = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        cell["execution_count"] = None
        first, changed = False, True
    return changed


def verdict(check: CheckResult, score: float, points: float, seed: int) -> str:
    """What a test cell shows: the score the gradebook holds, then the lesson."""
    outcome = "needs a manual grade (skipped)" if check.status is Status.SKIPPED \
        else check.status.value.replace("_", " ")
    return (f"torchdojo: {score:g} of {points:g} points, {outcome} (graded by torchdojo "
            f"nbgrader grade, seed {seed})\n{check_text(check)}\n")


def _result(topic: TopicResult, name: str) -> CheckResult | None:
    return next((c for c in topic.checks if c.name == name), None)


def _test_cell(cell: Any) -> str | None:
    """The grade_id of a code test cell (graded, not an answer)."""
    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return None
    marks = cell.get("metadata", {}).get("nbgrader") if isinstance(cell.get("metadata"),
                                                                    dict) else None
    if not isinstance(marks, dict) or not marks.get("grade") or marks.get("solution"):
        return None
    grade_id = marks.get("grade_id")
    return grade_id if isinstance(grade_id, str) else None


def _save(path: Path, document: Any) -> None:
    import nbformat

    mode = path.stat().st_mode & 0o777
    write_atomically(path, nbformat.writes(document))
    os.chmod(path, mode)
