"""The README's nbgrader recipe, run as written, and the feedback it ends with.

The recipe's commands run in bash exactly as the README prints them, but for its install
line (the test suite runs in that install) and with submissions placed where its comment
says collecting puts them. Then ``nbgrader generate_feedback``'s own HTML must show, for the
check a wrong answer failed, torchdojo's verdict and lesson, and the gradebook's score.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, sudo_shim
from tests.corpus import cases

pytestmark = pytest.mark.slow  # real nbgrader, a kernel per notebook

BIN = Path(sys.executable).parent
COLLECT = "# release and collect as usual"


def readme_recipe() -> tuple[str, str]:
    """The README's nbgrader commands before and after its "release and collect" comment,
    without the install line."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Teaching with nbgrader"):]
    block = section[section.index("```bash\n") + 8:]
    block = block[:block.index("```")]
    lines = block.splitlines()
    assert lines[0].startswith("pip install "), lines[0]
    before, after = "\n".join(lines[1:]).split(COLLECT, 1)
    return before, COLLECT + after


SUBMIT = textwrap.dedent("""\
    import sys
    from pathlib import Path
    from torchdojo import course as course_mod
    from torchdojo.notebooks.convert import submit_modules

    course = course_mod.load(Path(sys.argv[1]))
    for student, folder in zip(sys.argv[2::2], sys.argv[3::2]):
        submit_modules(course, Path.cwd(), "tensors", student, Path(folder))
    """)


@pytest.fixture(scope="module")
def recipe(tmp_path_factory):
    wrong = next(c for c in cases("wrong", "tensors") if not c.also and c.status == "failed")
    learners = tmp_path_factory.mktemp("learners")
    (learners / "wrong").mkdir()
    (learners / "wrong" / "tensors.py").write_text(wrong.source())
    helper = learners / "submit.py"
    helper.write_text(SUBMIT)
    before, after = readme_recipe()
    collect = (f'"{sys.executable}" "{helper}" "{ROOT}" alice "{ROOT / "solutions"}" '
               f'bob "{learners / "wrong"}"')
    script = f"set -euo pipefail\n{before}\n{collect}\n{after}\n"
    where = tmp_path_factory.mktemp("instructor")
    shim = sudo_shim(tmp_path_factory.mktemp("bin"))  # the recipe grades with sudo
    env = {**os.environ, "PATH": os.pathsep.join([str(BIN), os.environ["PATH"], str(shim)])}
    env.pop("TORCHDOJO_COURSE", None)
    done = subprocess.run(["bash", "-c", script], cwd=where, env=env, capture_output=True,
                          text=True, timeout=1800)
    assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
    return where / "course", wrong, done


def test_recipe_grades_into_the_gradebook_and_exports(recipe, course):
    root, _, done = recipe
    assert "2 of 2 submission(s) written to the gradebook" in done.stdout
    with open(root / "grades.csv", newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle) if r["assignment"] ==
                "tensors"}
    assert float(rows["alice"]["raw_score"]) == float(rows["alice"]["max_score"]) > 0
    assert float(rows["bob"]["raw_score"]) < float(rows["bob"]["max_score"])


def test_feedback_shows_torchdojos_lesson_for_the_failed_check(recipe, course):
    from torchdojo.engine import catalog
    from torchdojo.notebooks.layout import check_id

    root, wrong, _ = recipe
    checks = catalog.checks(course, course.topic("tensors"))
    points = {c.name: c.points for c in checks}
    page = (root / "feedback" / "bob" / "tensors" / "tensors.html").read_text()
    # the failed check's own test cell: from its anchor to the next check's
    anchors = [page.index(f'name="{check_id(c)}"') for c in checks if c.requires is None]
    start = page.index(f'name="{check_id(next(c for c in checks if c.name == wrong.check))}"')
    end = min((a for a in anchors if a > start), default=len(page))
    cell = html.unescape(re.sub(r"<[^>]+>", "", page[start:end]))
    assert f"Score: 0.0 / {float(points[wrong.check])}" in cell  # nbgrader's, from the gradebook
    assert f"torchdojo: 0 of {points[wrong.check]} points, failed" in cell
    for mention in wrong.mentions:
        assert mention.lower() in cell.lower(), mention
    alice = (root / "feedback" / "alice" / "tensors" / "tensors.html").read_text()
    verdicts = re.findall(r"torchdojo: \S+ of \S+ points, (\w+)", html.unescape(alice))
    assert verdicts and set(verdicts) == {"passed"}


def _graded(root: Path, *args: str) -> tuple[dict, dict]:
    """Grade the recipe's course again; the gradebook's auto scores and every test cell's
    feedback output afterwards."""
    from nbgrader.api import Gradebook

    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["torchdojo", "nbgrader", "grade", ".", "tensors", *args], cwd=root,
                          env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as book:
        scores = {(s.id, g.name): g.auto_score for s in book.students
                  for g in book.find_submission_notebook("tensors", "tensors", s.id).grades}
    outputs = {}
    for path in sorted((root / "autograded").glob("*/tensors/tensors.ipynb")):
        document = json.loads(path.read_text())
        outputs[path.parts[-3]] = [c.get("outputs") for c in document["cells"]
                                   if c["cell_type"] == "code"]
    return scores, outputs


def test_students_graded_in_parallel_get_what_one_at_a_time_gives(recipe):
    root, _, done = recipe
    seed = re.search(r"\(seed (\d+)\)", done.stdout).group(1)
    parallel = _graded(root, "--seed", seed, "--workers", "2")
    alone = _graded(root, "--seed", seed, "--workers", "1")
    assert parallel == alone
    scores, outputs = alone
    assert {student for student, _ in scores} == {"alice", "bob"} == set(outputs)
    assert any(score == 0 for (student, _), score in scores.items() if student == "bob")
