"""Write an nbgrader course: one source notebook per topic, and its ``nbgrader_config.py``.

Notebooks are generated from the single sources (see ``layout``) with nbformat and are never
edited by hand: run the export again after a topic changes. Every cell carries nbgrader
metadata with a stable ``grade_id``, and its cell id is the same string, so two exports of the
same course are byte for byte the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torchdojo.author import stubs
from torchdojo.course import Course, Topic
from torchdojo.engine.draw import derive_seed
from torchdojo.notebooks.layout import Layout, Part, cell_id, check_id, layout

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

HOW_IT_WORKS = """\
**How this notebook is graded.** Write your code in the answer cells, in place of
`# YOUR CODE HERE` and `raise NotImplementedError()`. Keep everything an answer needs
(imports, helpers) inside its answer cell: only the answer cells are graded, not cells you
add.

The check cells at the end run torchdojo's checks on the answers you have defined so far (run
your answer cells first). Your code runs in a separate process and the checks compare what it
returns with a reference, property by property; a failed check says which concept it is about
and what to try. Your instructor grades your submitted notebook the same way, on inputs you
have not seen."""

CHECKS_TEXT = """\
## Checks

Each cell below runs one check and is worth its points. Run them after your answer cells;
a check that fails explains why. Warnings your code prints never cost points."""


def export(course: Course, target: Path, topics: list[Topic], *, seed: int = 0) -> list[Path]:
    """Write ``target/source/<topic>/<topic>.ipynb`` for each topic, and the course config."""
    import nbformat

    written = []
    for topic in topics:
        notebook = build(layout(course, topic), seed=seed)
        nbformat.validate(notebook)
        path = target / "source" / topic.name / f"{topic.name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, str(path))
        written.append(path)
    config = target / "nbgrader_config.py"
    config.write_text(nbgrader_config(course), encoding="utf-8")
    written.append(config)
    return written


def build(shape: Layout, *, seed: int = 0) -> Any:
    """The source notebook of one topic (an nbformat v4 node)."""
    from nbformat import v4

    title = f"# {shape.topic.title}\n\n{shape.intro}\n\n{HOW_IT_WORKS}"
    cells = [_markdown(v4, "intro", title)]
    number = 0
    for part in shape.parts:
        if part.kind == "answer":
            number += 1
            cells.append(_markdown(v4, f"task_{part.grade_id}", _task_text(number, part)))
        cells.append(_code(v4, part.grade_id, part.source, solution=part.kind == "answer"))
    cells.append(_markdown(v4, "checks", CHECKS_TEXT))
    hidden = derive_seed(seed, "nbgrader", shape.topic.name)
    for check in shape.checks:
        source = test_source(shape.topic.name, check.name, check.concept, check.points, hidden)
        cells.append(_code(v4, check_id(check), source, points=check.points))
    metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"},
                "torchdojo": {"topic": shape.topic.name}}
    return v4.new_notebook(cells=cells, metadata=metadata)


def test_source(topic: str, name: str, concept: str, points: int, hidden_seed: int) -> str:
    """A graded test cell: the check on this kernel's inputs, then (hidden from learners,
    restored by nbgrader when it autogrades) the same check on the instructor's inputs. The
    cell never ends with an expression, so nbgrader reads no partial credit from it."""
    plural = "s" if points != 1 else ""
    return "\n".join([
        f"# {name}: {concept} ({points} point{plural})",
        "from torchdojo.notebooks import check",
        "",
        f"check({topic!r}, {name!r})",
        HIDDEN_BEGIN,
        f"check({topic!r}, {name!r}, seed={hidden_seed})",
        HIDDEN_END,
    ])


def _task_text(number: int, part: Part) -> str:
    heading = f"## {number}. `{part.title}`"
    return f"{heading}\n\n{part.doc}" if part.doc else heading


def _marks(grade_id: str, *, grade: bool = False, solution: bool = False,
           locked: bool = False, points: int | None = None) -> dict:
    marks = {"grade": grade, "solution": solution, "locked": locked, "task": False,
             "grade_id": grade_id, "schema_version": 3}
    if points is not None:
        marks["points"] = points
    return marks


def _markdown(v4: Any, grade_id: str, text: str) -> Any:
    grade_id = cell_id(grade_id)
    return v4.new_markdown_cell(text, id=grade_id,
                                metadata={"nbgrader": _marks(grade_id, locked=True)})


def _code(v4: Any, grade_id: str, source: str, *, solution: bool = False,
          points: int | None = None) -> Any:
    marks = _marks(grade_id, grade=points is not None, solution=solution,
                   locked=not solution, points=points)
    return v4.new_code_cell(source.rstrip("\n"), id=grade_id,
                            metadata={"nbgrader": marks})


def cell_timeout(course: Course) -> int:
    """Seconds one test cell may take: its topic graded twice (the visible and the hidden
    inputs) within the topic's budget, plus starting torch and a sandbox."""
    return int(2 * max(t.time_budget for t in course.topics) + 60)


def nbgrader_config(course: Course) -> str:
    stub = "\\n".join(stubs.STUB)
    return f'''\
# nbgrader settings for the torchdojo course. Generated by `torchdojo nbgrader export`;
# export again rather than edit this file.
c = get_config()  # noqa: F821 (nbgrader provides it)

# nbgrader scores a test cell 0 when anything reaches stderr, and PyTorch warnings (or a
# learner's own prints to stderr) do. Drop every stderr stream from test cells before scoring:
# a check fails only by raising.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\\s\\S]"

# The first check cell of a notebook starts torch and a sandbox and grades the topic on two
# sets of inputs; the rest reuse that report. Allow for it, and for a busy grading machine.
c.Execute.timeout = {cell_timeout(course)}
c.Execute.startup_timeout = 120
c.Execute.interrupt_on_timeout = True

# The same stub torchdojo writes into exercises/, so notebooks and modules agree.
c.ClearSolutions.code_stub = {{"python": "{stub}"}}

# A test cell a learner deleted comes back when autograding, instead of "needs manual grade".
c.OverwriteCells.add_missing_cells = True
'''
