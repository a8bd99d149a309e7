"""The instructor-side GitHub Actions workflow: its shape keeps learner code away from secrets
and write tokens (grader-attacks E1-E3), and its steps, run here in order on fake learner
checkouts, grade them with the instructor's hidden checks."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.batchgen import attack_batch
from tests.conftest import ROOT, solution
from tests.corpus import cases
from torchdojo.ci import strict_available
from torchdojo.ci.bundle import TEMPLATES
from torchdojo.sandbox import capabilities

WORKFLOW = TEMPLATES / "github" / "torchdojo-grade.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def step(workflow: dict, job: str, name: str) -> dict:
    return next(s for s in workflow["jobs"][job]["steps"] if s.get("name", "").startswith(name)
                or s.get("id") == name)


def sh(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    bin_dir = Path(sys.executable).parent
    full = {**os.environ, "PATH": f"{cwd / 'bin'}:{bin_dir}:{os.environ['PATH']}", **env}
    return subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=900)


def test_no_privileged_job_runs_learner_code(workflow):
    assert set(workflow["on"]) <= {"workflow_dispatch", "schedule"}  # no pull_request_target
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["grade"]["permissions"] == {"contents": "read"}
    assert jobs["fetch"]["permissions"] == {}
    for name, job in jobs.items():
        text = json.dumps(job)
        assert ("secrets." in text) == (name == "fetch"), name
        assert "actions/cache" not in text  # no cache shared with a scoring job (C3)
        for s in job["steps"]:
            if s.get("uses", "").startswith("actions/checkout"):
                assert s["with"]["persist-credentials"] is False, (name, s)
    # The job that holds the token only copies files: it never runs Python or learner code.
    fetch_runs = " ".join(s.get("run", "") for s in jobs["fetch"]["steps"])
    assert not re.search(r"\b(python|pip|torchdojo|pytest|bash|sh|source)\b", fetch_runs)
    token_steps = [s for s in jobs["fetch"]["steps"] if "secrets." in json.dumps(s)]
    assert [s["uses"].split("@")[0] for s in token_steps] == ["actions/checkout"]


def test_grading_runs_strict_as_root_without_a_token(workflow):
    """GitHub-hosted runners allow passwordless sudo: the grade step runs the venv's Python as
    root, so every strict confinement is in force (--strict refuses otherwise), and gives the
    grades back to the runner's user for the steps that follow."""
    grade = step(workflow, "grade", "Grade")["run"]
    assert re.search(r'sudo "\$PWD/\.venv/bin/python" -m torchdojo grade-batch .*--strict', grade,
                     re.S)
    assert "--allow-weaker" not in grade
    assert 'sudo chown -R "$(id -u):$(id -g)" grades' in grade
    assert 'exit "$status"' in grade  # a refusal or a failed batch still fails the job
    install = step(workflow, "grade", "Install")["run"]
    assert "python -m venv .venv" in install and ".venv/bin/pip install" in install
    assert "sudo" not in json.dumps(workflow["jobs"]["fetch"])  # the token job stays plain


USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")


def test_every_action_is_pinned_to_a_commit():
    """``owner/repo@<40 hex>`` with the release in a comment: a moved tag cannot change what
    runs next to the learners' token or their code."""
    found = [USES.match(line) for line in WORKFLOW.read_text().splitlines()]
    uses = [(m[1], m[2]) for m in found if m]
    assert len(uses) >= 6
    for action, comment in uses:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r"\s*# v\d+\.\d+\.\d+", comment), (action, comment)


def _learner_checkout(root: Path, tensors: str) -> Path:
    """What actions/checkout leaves for a learner: their code and their own CI files."""
    repo = root / "learner"
    (repo / "exercises").mkdir(parents=True)
    (repo / "exercises" / "tensors.py").write_text(tensors)
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "grade.yml").write_text("on: push\n")
    (repo / "conftest.py").write_text("raise SystemExit('learner conftest ran')\n")
    (repo / "pytest.ini").write_text("[pytest]\naddopts = -x\n")
    return repo


def _shim(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


def test_workflow_steps_grade_learner_repositories(workflow, tmp_path, course):
    # The grade job's venv, as its install step makes it (here: this checkout's Python), and
    # sudo as a runner has it; these tests run as root already, so it only runs the command.
    _shim(tmp_path / ".venv" / "bin" / "python",
          f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" "$@"\n')
    _shim(tmp_path / "bin" / "sudo", '#!/bin/sh\n[ "$(id -u)" = 0 ] || exit 1\nexec "$@"\n')

    output = tmp_path / "github_output"
    plan = sh(step(workflow, "plan", "roster")["run"], ROOT, GITHUB_OUTPUT=str(output),
              REPOSITORIES="class/alice class/bob@pull/3/head class/carol")
    assert plan.returncode == 0, plan.stderr
    matrix = json.loads(output.read_text().removeprefix("matrix="))
    names = [entry["name"] for entry in matrix["learner"]]
    assert names == ["class__alice", "class__bob__refs-pull-3-head", "class__carol"]
    assert matrix["learner"][1]["ref"] == "refs/pull/3/head"

    wrong = cases("wrong", "tensors")[0]
    keep = step(workflow, "fetch", "Keep the code only")["run"]
    for entry, source in zip(matrix["learner"][:2], [solution("tensors"), wrong.source()],
                             strict=False):  # carol's repository could not be fetched
        job = tmp_path / "fetch" / entry["name"]
        _learner_checkout(job, source)
        kept = sh(keep, job, ORIGIN=f"{entry['repository']}@{entry['ref']}")
        assert kept.returncode == 0, kept.stderr
        assert sorted(p.name for p in (job / "upload").iterdir()) == ["SUBMISSION.txt",
                                                                      "tensors.py"]
        shutil.copytree(job / "upload", tmp_path / "submissions" / f"learner-{entry['name']}")

    grade = step(workflow, "grade", "Grade")["run"]
    if not strict_available():  # strict confinement ships separately; grade without it here
        grade = grade.replace(" --strict", "")
    graded = sh(grade, tmp_path, SEED="4", TORCHDOJO_COURSE=str(ROOT))
    assert graded.returncode == 0, graded.stderr
    with open(tmp_path / "grades" / "gradebook.csv", newline="") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    alice, bob = rows["learner-class__alice"], rows["learner-class__bob__refs-pull-3-head"]
    assert alice["seed"] == bob["seed"] == "4"
    assert float(alice["tensors"]) > float(bob["tensors"]) > 0

    summary = sh(step(workflow, "grade", "Summary")["run"].replace(
        ' >> "$GITHUB_STEP_SUMMARY"', ""), tmp_path, MATRIX=json.dumps(matrix))
    assert summary.returncode == 0, summary.stderr
    assert "| learner-class__alice |" in summary.stdout
    assert "could not be fetched" in summary.stdout and "class__carol" in summary.stdout


@pytest.mark.skipif(not capabilities.machine()["signals"].held or not strict_available(),
                    reason="kill(-1) is only safe to run where signals are scoped")
def test_grade_step_holds_against_attacks_on_the_batch(workflow, tmp_path, course):
    """The grade step as the runner runs it (sudo, the venv's Python, --strict) on learners
    whose code attacks the batch: each attacker scores 0, the others exactly as alone."""
    _shim(tmp_path / ".venv" / "bin" / "python",
          f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" "$@"\n')
    _shim(tmp_path / "bin" / "sudo", '#!/bin/sh\n[ "$(id -u)" = 0 ] || exit 1\nexec "$@"\n')
    values = {"GROUP_MEMORY_MIB": 512, "MEMORY_MIB": 2048}
    attacks = ("X8_signal_everything", "L3_forked_memory_bomb", "L5_fork_bomb")
    learners = attack_batch(course, tmp_path / "submissions", honest=2, attackers=len(attacks),
                            topics=("tensors",), seed=8, attacks=attacks, values=values)
    graded = sh(step(workflow, "grade", "Grade")["run"], tmp_path, SEED="4",
                TORCHDOJO_COURSE=str(ROOT), TORCHDOJO_SANDBOX_MEMORY="512")
    assert graded.returncode == 0, graded.stderr[-3000:]
    with open(tmp_path / "grades" / "gradebook.csv", newline="") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    for learner in learners:
        assert rows[learner.name]["status"] == "graded", rows[learner.name]
        assert float(rows[learner.name]["tensors"]) == learner.parts["tensors"].expected
        report = json.loads((tmp_path / "grades" / "reports" / f"{learner.name}.json")
                            .read_text())
        assert report["tier"] == "strict" and report["confinement"]["not_available"] == {}


@pytest.mark.parametrize("roster, says", [("", "no learner repositories"),
                                          ("alice", "not a repository"),
                                          ("a/b@$(reboot)", "not a repository")])
def test_roster_mistakes_stop_the_plan(roster, says, tmp_path):
    run = sh("PYTHONPATH=. python3 -m torchdojo.ci.github matrix", ROOT,
             REPOSITORIES=roster, GITHUB_OUTPUT=str(tmp_path / "out"))
    assert run.returncode == 2 and says in run.stderr  # "" reads ci/roster.txt: absent here
    assert len(run.stderr.strip().splitlines()) == 1


def test_export_github_writes_the_workflow_once(tmp_path):
    def export(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "torchdojo", "export", "github",
                               str(tmp_path), *extra], cwd=ROOT, capture_output=True,
                              text=True, timeout=120)

    first = export()
    assert first.returncode == 0, first.stderr
    written = tmp_path / ".github" / "workflows" / "torchdojo-grade.yml"
    assert written.read_text() == WORKFLOW.read_text()
    assert (tmp_path / "ci" / "roster.txt").is_file()
    again = export()
    assert again.returncode == 2 and "--force" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    assert export("--force").returncode == 0
