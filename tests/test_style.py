"""The code base stays lint-clean (ruff, configured in pyproject.toml)."""

import subprocess

from tests.conftest import ROOT


def test_ruff_is_clean():
    run = subprocess.run(["ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
