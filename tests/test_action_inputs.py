"""The exported workflows against the actions they use: every ``with:`` input is one the
action's own ``action.yml`` declares (at the pinned commit), and every input it requires is
given. A misspelt or removed input is otherwise only a warning in a real run, and the step then
runs with its default (a checkout that keeps the token, an artifact under the wrong name)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from torchdojo.ci.bundle import TEMPLATES

ACTIONS = ROOT / "tests" / "tools" / "actions"
WORKFLOWS = [TEMPLATES / "github" / "torchdojo-grade.yml",
             TEMPLATES / "classroom" / "classroom.yml"]


def _steps(workflow: Path) -> list[dict]:
    data = yaml.safe_load(workflow.read_text())
    return [s for job in data["jobs"].values() for s in job["steps"] if "uses" in s]


def _declared(uses: str) -> dict:
    path = ACTIONS / uses / "action.yml"
    if not path.is_file():
        pytest.fail(f"{uses}: copy its action.yml into {path.relative_to(ROOT)} "
                    "(see tests/tools/actions/README.md)")
    return yaml.safe_load(path.read_text()).get("inputs") or {}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_input_is_declared_and_every_required_one_given(workflow):
    steps = _steps(workflow)
    assert steps
    for step in steps:
        declared, given = _declared(step["uses"]), set(step.get("with") or {})
        unknown = given - set(declared)
        assert not unknown, f"{step['uses']} declares no input {sorted(unknown)}"
        required = {name for name, spec in declared.items()
                    if (spec or {}).get("required") and "default" not in (spec or {})}
        assert required <= given, f"{step['uses']} requires {sorted(required - given)}"


def test_every_copied_action_is_still_used():
    used = {s["uses"] for w in WORKFLOWS for s in _steps(w)}
    copied = {str(p.parent.relative_to(ACTIONS)) for p in ACTIONS.rglob("action.yml")}
    assert copied == used
