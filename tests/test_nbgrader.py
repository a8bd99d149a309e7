"""The nbgrader path, for real: export, generate, submit, autograde, grade, export grades.

The round trip runs the real tools on every topic of the manifest. Its point: plain
``nbgrader autograde`` gives full marks to a notebook that hooks its own kernel, while
``torchdojo nbgrader grade`` writes into the same gradebook exactly what ``torchdojo grade``
gives the same code as modules.
"""

from __future__ import annotations

import ast
import json
import os
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from tests import nbcourse
from tests.conftest import ROOT
from tests.corpus import cases
from torchdojo.engine import catalog
from torchdojo.engine.grading import grade
from torchdojo.notebooks import convert, extract
from torchdojo.notebooks.layout import bound_names, check_id, layout
from torchdojo.notebooks.source_course import HIDDEN_BEGIN, HIDDEN_END, export

SEED = 4242
# The round trip runs nbgrader for real, about a minute per topic on 2 cores, so by default it
# covers a plain topic, one whose answers train, and one with a GPU tier that notebooks leave out.
# Export, layout and gradebook tests below cover every topic; TORCHDOJO_ROUNDTRIP_TOPICS=all (or
# a,b) widens or narrows the round trip.
ROUNDTRIP_TOPICS = ("tensors", "autograd", "devices")


# ----------------------------------------------------------------------------- round trip


@pytest.fixture(scope="module")
def roundtrip(course, tmp_path_factory):
    only = [t for t in os.environ.get("TORCHDOJO_ROUNDTRIP_TOPICS", "").split(",") if t]
    only = [] if only == ["all"] else only or list(ROUNDTRIP_TOPICS)
    started = time.perf_counter()
    state = nbcourse.new_course(tmp_path_factory.mktemp("nbgrader") / "course", course, only)
    nbcourse.module_learners(state, tmp_path_factory.mktemp("learners"))
    nbcourse.add_trick(state)
    nbcourse.autograde(state)
    autograded = nbcourse.gradebook(state)
    wrong = next(learner.modules for learner in state.learners if learner.name == "wrong_1")
    nbcourse.add_notebook_attacks(state, wrong)  # graded by torchdojo only, to save time
    _add_broken(state)
    outputs = nbcourse.torchdojo_grade(state, SEED)
    graded = nbcourse.gradebook(state)
    flagged = nbcourse.flagged(state)
    exported = nbcourse.exported_grades(state)
    state.seconds["round trip"] = time.perf_counter() - started
    print("\nnbgrader round trip:", {k: round(v, 1) for k, v in state.seconds.items()})
    return SimpleNamespace(state=state, autograded=autograded, graded=graded,
                           flagged=flagged, exported=exported, outputs=outputs)


def _add_broken(state):
    """A student whose first notebook is corrupt and whose others were never submitted."""
    folder = state.root / "submitted" / "broken"
    first = state.topics[0]
    (folder / first).mkdir(parents=True)
    (folder / first / f"{first}.ipynb").write_text('{"cells": [ this is not json')
    for topic in state.topics[1:]:
        (folder / topic).mkdir(parents=True)


def _maximum(course, topic: str) -> float:
    """Notebooks carry the checks every machine grades (no GPU tier)."""
    return sum(c.points for c in catalog.checks(course, course.topic(topic))
               if c.requires is None)


@pytest.mark.slow
def test_plain_autograde_is_fooled_by_a_kernel_trick(roundtrip, course):
    """The reason to grade out of process: the AST trick gets every point from nbgrader."""
    for topic in roundtrip.state.topics:
        trick = roundtrip.autograded["trick"][topic]
        assert sum(trick.values()) == _maximum(course, topic), (topic, trick)
        # the in-kernel checks themselves work: the reference passes, the stubs do not
        assert sum(roundtrip.autograded["reference"][topic].values()) == _maximum(course, topic)
        assert sum(roundtrip.autograded["untouched"][topic].values()) == 0
        for learner in ("wrong_1", "wrong_2"):
            assert sum(roundtrip.autograded[learner][topic].values()) < _maximum(course, topic)


@pytest.mark.slow
def test_gradebook_holds_what_torchdojo_grade_gives_the_modules(roundtrip):
    state = roundtrip.state
    for learner in state.learners:
        expected = nbcourse.module_scores(learner, state.topics, SEED)
        for topic in state.topics:
            assert roundtrip.graded[learner.name][topic] == expected[topic], (learner.name,
                                                                              topic)


@pytest.mark.slow
def test_the_trick_scores_nothing_and_is_flagged(roundtrip):
    trick = roundtrip.graded["trick"]
    assert all(score == 0 for cells in trick.values() for score in cells.values())
    text = "".join(o.stdout for o in roundtrip.outputs)
    assert "trick: 0/" in text
    assert "reaches into the notebook kernel (get_ipython, ast_transformers" in text
    students = {student for student, _ in roundtrip.flagged}
    assert students == {"trick", "broken", "nb_patched_helpers", "nb_input_transformer",
                        "nb_custom_exc", "nb_tampered_cells"}, roundtrip.flagged


@pytest.mark.slow
@pytest.mark.parametrize("student", ["nb_patched_helpers", "nb_input_transformer",
                                     "nb_custom_exc", "nb_always_equal"])
def test_other_kernel_tricks_score_nothing(roundtrip, student):
    cells = roundtrip.graded[student]
    assert set(cells) == set(roundtrip.state.topics)
    assert all(score == 0 for topic in cells.values() for score in topic.values()), cells


@pytest.mark.slow
def test_tampered_test_cells_change_nothing(roundtrip, course):
    """Edited, re-pointed, deleted, stripped or markdown test cells: the gradebook keeps its
    cells and maximum, and the answers are graded as they are (those of wrong_1)."""
    assert roundtrip.graded["nb_tampered_cells"] == roundtrip.graded["wrong_1"]
    for topic in roundtrip.state.topics:
        row = roundtrip.exported[topic, "nb_tampered_cells"]
        assert float(row["max_score"]) == _maximum(course, topic)


@pytest.mark.slow
def test_reference_scores_full_marks_and_wrong_answers_do_not(roundtrip, course):
    for topic in roundtrip.state.topics:
        assert sum(roundtrip.graded["reference"][topic].values()) == _maximum(course, topic)
        assert sum(roundtrip.graded["untouched"][topic].values()) == 0
        for learner in ("wrong_1", "wrong_2"):
            assert 0 < sum(roundtrip.graded[learner][topic].values()) < _maximum(course, topic)


@pytest.mark.slow
def test_broken_notebooks_are_one_line_and_zero_and_the_run_goes_on(roundtrip):
    first, *rest = roundtrip.state.topics
    broken = roundtrip.graded["broken"]
    assert all(score == 0 for cells in broken.values() for score in cells.values())
    assert set(broken) == set(roundtrip.state.topics)
    outputs = {o.args[6]: o for o in roundtrip.outputs}
    said = outputs[first].stdout
    assert f"broken: {first}.ipynb is not a readable notebook (NotJSONError" in said, said
    for topic in rest:
        assert f"broken: {topic}.ipynb was not submitted; {topic} scores 0" in \
            outputs[topic].stdout
    for output in roundtrip.outputs:
        assert output.returncode == 0
        assert "Traceback" not in output.stdout + output.stderr
        count = len(roundtrip.state.learners) + 1
        assert f"{count} of {count} submission(s) written to the gradebook" in output.stdout


@pytest.mark.slow
def test_nbgrader_export_reports_the_torchdojo_scores(roundtrip, course):
    rows = roundtrip.exported
    for topic in roundtrip.state.topics:
        maximum = _maximum(course, topic)
        assert float(rows[topic, "reference"]["raw_score"]) == maximum
        assert float(rows[topic, "reference"]["max_score"]) == maximum
        for student in ("trick", "untouched", "broken"):
            assert float(rows[topic, student]["raw_score"]) == 0
        wrong = sum(roundtrip.graded["wrong_1"][topic].values())
        assert float(rows[topic, "wrong_1"]["raw_score"]) == wrong


# ----------------------------------------------------------------------------- export


@pytest.fixture(scope="module")
def exported(course, tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    export(course, root, list(course.topics))
    return root


def test_export_covers_every_topic_and_is_reproducible(course, exported, tmp_path):
    again = export(course, tmp_path, list(course.topics))
    for path in again:
        assert path.read_bytes() == (exported / path.relative_to(tmp_path)).read_bytes()
    assert {p.parent.name for p in again if p.suffix == ".ipynb"} == \
        {t.name for t in course.topics}


def test_test_cells_carry_each_check_and_its_points(course, exported):
    for topic in course.topics:
        notebook = nbformat.read(exported / "source" / topic.name / f"{topic.name}.ipynb", 4)
        nbformat.validate(notebook)
        graded = [c for c in notebook.cells if c.metadata["nbgrader"]["grade"]]
        checks = [c for c in catalog.checks(course, topic) if c.requires is None]  # no GPU tier
        assert [c.metadata["nbgrader"]["grade_id"] for c in graded] == \
            [check_id(c) for c in checks]
        assert [c.metadata["nbgrader"]["points"] for c in graded] == [c.points for c in checks]
        for cell, spec in zip(graded, checks, strict=True):
            assert cell.metadata["nbgrader"]["locked"] and cell.id == check_id(spec)
            assert f"check({topic.name!r}, {spec.name!r})" in cell.source
            assert cell.source.index(HIDDEN_BEGIN) < cell.source.index(HIDDEN_END)
        ids = [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells]
        assert len(ids) == len(set(ids))


def test_answer_cells_hold_the_reference_with_its_markers(course, exported):
    for topic in course.topics:
        notebook = nbformat.read(exported / "source" / topic.name / f"{topic.name}.ipynb", 4)
        answers = [c for c in notebook.cells if c.metadata["nbgrader"]["solution"]]
        assert answers and all("### BEGIN SOLUTION" in c.source for c in answers)
        defined = bound_names(ast.parse(course.solution(topic).read_text()).body)
        for cell in answers:
            assert set(bound_names(ast.parse(cell.source).body)) <= set(defined)


def test_answers_from_the_source_notebooks_get_full_marks(course, exported, tmp_path):
    """Extraction by grade_id rebuilds a module that is graded exactly like the reference."""
    for topic in course.topics:
        shape = layout(course, topic)
        notebook = extract.read(exported / "source" / topic.name / f"{topic.name}.ipynb")
        found = extract.answers(shape, notebook)
        assert found.notes == []
        (tmp_path / f"{topic.name}.py").write_text(shape.module(found.cells))
    report = grade(course, submission=tmp_path, seed=SEED)
    assert report.score == report.max_score > 0, [c.message for c in report.checks
                                                   if not c.passed]


def test_config_keeps_stderr_from_zeroing_a_test_cell(exported):
    """The exported config, loaded and applied by nbgrader's own preprocessor and scorer."""
    from nbgrader.preprocessors import IgnorePattern
    from nbgrader.utils import determine_grade
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(exported)).load_config()
    cell = nbformat.v4.new_code_cell("check('tensors', 'scalar_is_0d')", metadata={
        "nbgrader": {"grade": True, "solution": False, "locked": True, "points": 2,
                     "grade_id": "check_x", "schema_version": 3}})
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr",
                                           text="UserWarning: something\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="✓ passed\n")]
    assert determine_grade(cell)[0] == 0  # what nbgrader does without our config
    notebook = nbformat.v4.new_notebook(cells=[cell])
    cleaned, _ = IgnorePattern(config=config)(notebook, {})
    assert determine_grade(cleaned.cells[0]) == (2, 2)
    cleaned.cells[0].outputs.append(nbformat.v4.new_output(
        "error", ename="CheckFailed", evalue="failed", traceback=[]))
    assert determine_grade(cleaned.cells[0])[0] == 0  # a failed check still scores nothing


# ----------------------------------------------------------------------------- reading notebooks


def _source_notebook(exported, topic: str):
    return nbformat.read(exported / "source" / topic / f"{topic}.ipynb", 4)


def test_answers_are_found_by_grade_id_not_position(course, exported):
    topic = course.topics[0]
    shape = layout(course, topic)
    notebook = _source_notebook(exported, topic.name)
    first, second, third = (next(c for c in notebook.cells
                                 if c.metadata["nbgrader"]["grade_id"] == p.grade_id)
                            for p in shape.answers[:3])
    notebook.cells.reverse()
    duplicate = nbformat.v4.new_code_cell("# second copy\n" + first.source,
                                          metadata={"nbgrader": dict(first.metadata.nbgrader)})
    notebook.cells.append(duplicate)
    second.metadata["nbgrader"] = {}  # stripped metadata: the answer is gone
    third.cell_type = "markdown"
    found = extract.answers(shape, notebook)
    assert found.cells[shape.answers[0].grade_id].startswith("# second copy")
    assert shape.answers[1].grade_id not in found.cells
    assert shape.answers[2].grade_id not in found.cells
    assert any("appears 2 times; the last one is graded" in n for n in found.notes)
    assert any(f"{shape.answers[1].grade_id} is missing" in n for n in found.notes)
    assert any(f"{shape.answers[2].grade_id} is not a code cell" in n for n in found.notes)
    assert shape.answers[1].stub in shape.module(found.cells)


@pytest.mark.parametrize("content, says", [
    ('{"cells": [', "is not a readable notebook (NotJSONError"),
    ("[1, 2, 3]", "is not a readable notebook"),
    ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": 7}',
     "is not a readable notebook"),
    (None, "was not submitted"),
])
def test_unreadable_notebooks_are_one_line(tmp_path, content, says):
    path = tmp_path / "tensors.ipynb"
    if content is not None:
        path.write_text(content)
    with pytest.raises(extract.NotebookError) as caught:
        extract.read(path)
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_a_link_is_not_followed(tmp_path):
    (tmp_path / "secret.txt").write_text("the instructor's notes")
    (tmp_path / "tensors.ipynb").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(extract.NotebookError, match="is a link; links are not graded"):
        extract.read(tmp_path / "tensors.ipynb")


def test_oversized_notebooks_are_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(extract, "MAX_BYTES", 100)
    path = tmp_path / "tensors.ipynb"
    path.write_text(json.dumps({"cells": [], "outputs": "x" * 200}))
    with pytest.raises(extract.NotebookError, match="clear its outputs"):
        extract.read(path)


# ----------------------------------------------------------------------------- modules to notebooks


@pytest.mark.parametrize("kind", ["wrong", "right", "attacks"])
def test_module_submissions_keep_every_answer_definition(course, kind):
    """The notebook made from a module defines each answer with the module's last definition
    of it, so both grade alike (the round trip shows the scores match)."""
    for case in cases(kind):
        shape = layout(course, course.topic(case.topic))
        source = case.source()
        try:
            original = ast.parse(source)
        except SyntaxError:
            continue
        rebuilt = ast.parse(shape.module(convert.answers_from_module(shape, source)))
        answers = {n for p in shape.answers for n in p.names}
        assert _last_definitions(rebuilt, answers) == _last_definitions(original, answers), \
            case.id


def _last_definitions(tree: ast.Module, names: set[str]) -> dict[str, str]:
    last = {}
    for node in tree.body:
        for name in bound_names([node]):
            if name in names:
                last[name] = ast.dump(node)
    return last


def test_a_module_that_does_not_parse_stays_broken(course):
    shape = layout(course, course.topics[0])
    broken = "def scalar(value:\n    return value\n"
    module = shape.module(convert.answers_from_module(shape, broken))
    with pytest.raises(SyntaxError):
        ast.parse(module)


# ----------------------------------------------------------------------------- the commands


@pytest.mark.parametrize("args, says", [
    (["nbgrader", "grade", "/no/such/course", "tensors"], "does not exist"),
    (["nbgrader", "export", "{tmp}", "no_such_topic"], "unknown topic 'no_such_topic'"),
    (["nbgrader", "grade", "{tmp}", "tensors"], "no gradebook at"),
])
def test_instructor_mistakes_get_one_line_and_exit_2(tmp_path, args, says):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    done = nbcourse.run("torchdojo", *args, cwd=ROOT, timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr
    assert says in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.slow
def test_unknown_assignment_is_one_line(roundtrip):
    done = nbcourse.run("torchdojo", "nbgrader", "grade", str(roundtrip.state.root),
                        "no_such_assignment", cwd=ROOT, timeout=300)
    assert done.returncode == 2
    assert "assignment 'no_such_assignment' is not in the gradebook" in done.stderr


def test_notebooks_are_written_where_nbgrader_collects_them(course, tmp_path):
    root = tmp_path / "course"
    export(course, root, list(course.topics))
    written = convert.submit_modules(course, root, course.topics[0].name, "alice",
                                     course.solutions)
    assert written == [root / "submitted" / "alice" / course.topics[0].name /
                       f"{course.topics[0].name}.ipynb"]
    assert Path(written[0]).is_file()


def test_a_gradebook_out_of_step_with_the_checks_is_reported(course, tmp_path):
    """Checks added, removed or re-pointed since the assignment was generated are named."""
    from nbgrader.api import Gradebook

    from torchdojo.notebooks.autograde import _plan

    topic = course.topics[0]
    checks = catalog.checks(course, topic)
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as book:
        book.add_assignment("week1")
        book.add_notebook(topic.name, "week1")
        book.add_notebook("essay", "week1")
        for spec in checks[1:]:
            points = spec.points + 1 if spec is checks[1] else spec.points
            book.add_grade_cell(check_id(spec), topic.name, "week1", max_score=points,
                                cell_type="code")
        book.add_grade_cell("check_retired", topic.name, "week1", max_score=1,
                            cell_type="code")
        plan = _plan(course, book, "week1")
    assert plan.skipped == ["essay"]
    assert list(plan.layouts) == [topic.name]
    assert plan.drift == [
        f"{topic.name}: check {checks[0].name} has no test cell in the gradebook; it is not "
        "scored",
        f"{topic.name}: check {checks[1].name} is worth {checks[1].points} but its test cell "
        f"{checks[1].points + 1}",
        f"{topic.name}: test cell check_retired is no check any more; it scores 0",
    ]
