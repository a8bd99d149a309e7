"""Module-style submissions as notebooks, for testing and benchmarking the nbgrader path.

``notebook_from_module`` fills a released notebook's answer cells from a ``<topic>.py`` written
like ``exercises/<topic>.py``; ``submit_modules`` does it for a folder of them and lays the
notebooks out where ``nbgrader collect`` would (``submitted/<student>/<assignment>/``). Grading
the notebook gives what grading the module gives: each answer cell gets the statements that
define its names, in the module's order, and every other statement goes with the next answer
after it (or the last one), so helpers, imports and import-time code still run.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path
from typing import Any

from torchdojo import intake
from torchdojo.course import Course
from torchdojo.notebooks.layout import Layout, bound_names, layout


def answers_from_module(shape: Layout, source: str) -> dict[str, str]:
    """grade_id -> answer cell text for a module-style submission of ``shape``'s topic."""
    answers = shape.answers
    try:
        tree = ast.parse(source)
    except SyntaxError:
        # Keep it as written: the notebook must fail to import exactly as the module does.
        return {p.grade_id: (source if i == 0 else "") for i, p in enumerate(answers)}
    lines = source.splitlines(keepends=True)
    given = {ast.dump(n) for p in shape.parts if p.kind == "given"
             for n in ast.parse(p.source).body}
    owner = {name: p.grade_id for p in answers for name in p.names}
    cells: dict[str, list[str]] = {p.grade_id: [] for p in answers}
    pending: list[str] = []
    for node in _body(tree):
        target = next((owner[n] for n in bound_names([node]) if n in owner), None)
        if target is None:
            if ast.dump(node) not in given:  # the given code is in the notebook already
                pending.append(_segment(lines, node))
            continue
        cells[target] += [*pending, _segment(lines, node)]
        pending = []
    cells[answers[-1].grade_id] += pending
    return {gid: "\n\n".join(texts) + "\n" if texts else "" for gid, texts in cells.items()}


def notebook_from_module(notebook: Any, shape: Layout, source: str) -> Any:
    """A copy of ``notebook`` (the released one) with its answer cells taken from ``source``."""
    filled = copy.deepcopy(notebook)
    answers = answers_from_module(shape, source)
    for cell in filled.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id].rstrip("\n")
    return filled


def submit_modules(course: Course, course_dir: Path, assignment: str, student: str,
                   folder: Path) -> list[Path]:
    """Write ``course_dir/submitted/<student>/<assignment>/<topic>.ipynb`` for every
    ``<topic>.py`` in ``folder`` whose notebook the assignment has (released, else source).
    Modules are read as grading reads them (``intake``): no link, pipe or oversized file."""
    import nbformat

    target = course_dir / "submitted" / student / assignment
    modules = intake.read_submission(folder, [t.name for t in course.topics])
    written = []
    for name, code in sorted(modules.files.items()):
        released = _released(course_dir, assignment, Path(name).stem)
        if released is None:
            continue
        shape = layout(course, course.topic(Path(name).stem))
        notebook = notebook_from_module(nbformat.read(released, as_version=4), shape,
                                        code.decode("utf-8", "replace"))
        target.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, str(target / f"{Path(name).stem}.ipynb"))
        written.append(target / f"{Path(name).stem}.ipynb")
    return written


def _released(course_dir: Path, assignment: str, topic: str) -> Path | None:
    for step in ("release", "source"):
        path = course_dir / step / assignment / f"{topic}.ipynb"
        if path.is_file():
            return path
    return None


def _body(tree: ast.Module) -> list[ast.stmt]:
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[1:]  # the module docstring is the task text, not an answer
    return body


def _segment(lines: list[str], node: ast.stmt) -> str:
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return "".join(lines[first - 1:node.end_lineno]).rstrip("\n")
