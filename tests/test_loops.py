"""The data and training topics: what their reports keep, and what grading them costs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, solution
from torchdojo.engine.report import Status

# Grades the reference training loop in a fresh interpreter, so the modules that grading
# imports lazily are imported during the grade.
SCRIPT = """
import json, sys
from pathlib import Path
from torchdojo import course
from torchdojo.engine.grading import grade

root = Path(sys.argv[1])
report = grade(course.load(root), ["training"], submission=root / "solutions", seed=5)
rewritten = sorted(name for name, module in sys.modules.items()
                   if type(getattr(module, "__loader__", None)).__name__
                   == "AssertionRewritingHook")
dynamo = any(name.startswith("torch._dynamo.") for name in sys.modules)
data = {c.name: c.data for c in report.checks}
print(json.dumps({"score": [report.score, report.max_score], "rewritten": rewritten,
                  "dynamo": dynamo, "data": data}))
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
    # match library modules, or a large one imported lazily (torch._dynamo's 800 modules) costs
    # tens of seconds to rewrite.
    assert training_run["rewritten"] == []


def test_training_never_imports_torch_dynamo(training_run):
    # optimizers reach torch._dynamo on every step; the stand-in answers them (lazy_dynamo)
    assert training_run["dynamo"] is False


FIT_CHECKS = {"fit_history", "fit_steps", "fit_switches_modes", "converges_learns",
              "converges_well"}


def _with_fit(body: str) -> str:
    return f"{solution('training')}\n\n# --- test override ---\n{body}"


def test_fit_runs_once_per_grade_and_its_error_reaches_every_fit_check(grade_files):
    # fit counts its calls in the sandbox: every fit check must report the first call's error.
    source = _with_fit("CALLS = []\n\n"
                       "def fit(model, train_loader, val_loader, epochs, lr):\n"
                       "    CALLS.append(1)\n"
                       "    raise RuntimeError(f'fit call number {len(CALLS)}')\n")
    report = grade_files({"training": source}, seed=7)
    checks = {c.name: c for c in report.checks}
    assert not report.fault
    for name in FIT_CHECKS:
        assert checks[name].status is Status.ERROR, (name, checks[name].message)
        assert "fit call number 1" in checks[name].message, checks[name].message
        assert checks[name].message.startswith("fit("), checks[name].message
    assert all(c.passed for c in report.checks if c.name not in FIT_CHECKS)


def test_a_fit_that_hangs_times_out_every_fit_check(grade_files):
    source = _with_fit("def fit(model, train_loader, val_loader, epochs, lr):\n"
                       "    import time\n"
                       "    time.sleep(10_000)\n")
    report = grade_files({"training": source}, seed=7, timeout_scale=0.5)
    checks = {c.name: c for c in report.checks}
    assert not report.fault
    for name in FIT_CHECKS:
        assert checks[name].status is Status.TIMEOUT, (name, checks[name].message)
        assert checks[name].score == 0
    assert all(c.passed for c in report.checks if c.name not in FIT_CHECKS)


def test_each_grade_runs_its_own_fit(grade_files):
    # A later grade (another seed, another submission) must not read an earlier grade's fit.
    broken = _with_fit("def fit(model, train_loader, val_loader, epochs, lr):\n"
                       "    raise RuntimeError('broken fit')\n")
    first = grade_files({"training": broken}, seed=3)
    second = grade_files({"training": solution("training")}, seed=3)
    assert not any(c.passed for c in first.checks if c.name in FIT_CHECKS)
    assert second.score == second.max_score > 0
