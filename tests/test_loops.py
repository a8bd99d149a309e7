"""The data and training topics: what their reports keep, and what grading them costs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

# Grades the reference training loop in a fresh interpreter, so the modules that grading
# imports lazily (torch._dynamo, through any optimizer) are imported during the grade.
SCRIPT = """
import json, sys
from pathlib import Path
from torchdojo import course
from torchdojo.engine.run import grade

root = Path(sys.argv[1])
report = grade(course.load(root), ["training"], submission=root / "solutions", seed=5)
loader = type(sys.modules["torch._dynamo"].__loader__).__name__
data = {c.name: c.data for c in report.checks}
print(json.dumps({"score": [report.score, report.max_score], "loader": loader, "data": data}))
"""


@pytest.fixture(scope="module")
def training_run() -> dict:
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT)], capture_output=True,
                         text=True, timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_report_keeps_both_loss_curves(training_run):
    score, max_score = training_run["score"]
    assert score == max_score > 0
    kept = training_run["data"]["fit_history"]
    mine, theirs = kept["loss_curve"], kept["reference_loss_curve"]
    assert len(mine) == len(theirs) == 12
    assert all(isinstance(v, float) for v in mine + theirs)
    assert mine == pytest.approx(theirs, rel=1e-3)
    assert mine[-1] < mine[0] / 2, "the reference loop must learn"


def test_library_modules_imported_while_grading_are_not_assertion_rewritten(training_run):
    # pytest rewrites every imported module that matches python_files; grading.ini must not
    # match library modules, or the 800 modules of torch._dynamo cost 40 s to rewrite.
    assert training_run["loader"] != "AssertionRewritingHook"
