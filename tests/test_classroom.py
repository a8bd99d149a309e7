"""GitHub Classroom: the step that `torchdojo export classroom` ships, run as Actions runs it,
and its output read the way Classroom's autograding reporter reads it.

The reporter (classroom-resources/autograding-grading-reporter) runs for real, with node: its
source is copied unchanged into tests/tools/classroom-reporter (scripts/test installs its two
dependencies), or ``TORCHDOJO_CLASSROOM_REPORTER`` names another entry point (a built
``dist/main.js``). Its arithmetic is also reproduced in ``reporter_verdict``, which the tests
that need no node use.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests import formats
from tests.batchgen import expected_for, gradable_points
from tests.conftest import ROOT, copy_course, solution
from tests.corpus import cases
from torchdojo.ci import classroom

TOPICS = ("tensors", "reshape_view", "devices")  # devices: its GPU tier is skipped here
BIN = Path(sys.executable).parent
REPORTER = ROOT / "tests" / "tools" / "classroom-reporter"


def reporter_verdict(runner_results: list[dict]) -> tuple[str, bool]:
    """("Points X/Y", job fails) as the reporter decides them.

    src/notify-classroom.js (NotifyClassroom): a runner whose ``max_score`` is falsy is left
    out; the others add ``max_score`` to maxPoints and every ``tests[].score`` to
    totalPoints; the notice reads `Points ${totalPoints}/${maxPoints}`. src/main.js: the job
    fails when any runner's ``status`` is "fail", else when any is "error".
    """
    total = maximum = 0
    for results in runner_results:
        if not results.get("max_score"):
            continue
        maximum += results["max_score"]
        total += sum(test["score"] for test in results["tests"])
    fails = any(r["status"] in ("fail", "error") for r in runner_results)
    return f"Points {total:g}/{maximum:g}", fails


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("assignment")
    done = subprocess.run([str(BIN / "torchdojo"), "export", "classroom", str(repo),
                           *[f"--topic={t}" for t in TOPICS]],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return repo / ".github" / "workflows" / "classroom.yml"


def test_workflow_has_the_names_classroom_reads(exported):
    flow = yaml.safe_load(exported.read_text())
    assert flow["name"] == "Autograding Tests"
    assert list(flow["jobs"]) == ["run-autograding-tests"]
    steps = flow["jobs"]["run-autograding-tests"]["steps"]
    grade = next(s for s in steps if s.get("id") == "torchdojo")
    assert grade["env"]["TOPICS"] == " ".join(TOPICS)
    reporter = steps[-1]
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter@")
    assert reporter["with"]["runners"] == "torchdojo"
    # the reporter reads <RUNNER ID in capitals>_RESULTS (src/main.js)
    assert reporter["env"] == {"TORCHDOJO_RESULTS": "${{ steps.torchdojo.outputs.result }}"}


@pytest.fixture(scope="module")
def step_run(exported, tmp_path_factory):
    """The grading step's script, run by bash as Actions runs it, in a learner's repository:
    tensors right, one reshape_view mistake, devices right (its GPU checks are skipped)."""
    repo = copy_course(tmp_path_factory.mktemp("learner"), TOPICS)
    wrong = next(c for c in cases("wrong", "reshape_view") if not c.also)
    (repo / "exercises" / "tensors.py").write_text(solution("tensors"))
    (repo / "exercises" / "reshape_view.py").write_text(wrong.source())
    (repo / "exercises" / "devices.py").write_text(solution("devices"))
    step = next(s for s in yaml.safe_load(exported.read_text())["jobs"]
                ["run-autograding-tests"]["steps"] if s.get("id") == "torchdojo")
    temp = tmp_path_factory.mktemp("runner_temp")
    output = temp / "github_output"
    env = {**os.environ, **step["env"], "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(temp),
           "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("TORCHDOJO_COURSE", None)
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                           step["run"]], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    line = output.read_text().strip()
    assert re.fullmatch(r"result=[A-Za-z0-9+/=]+", line), line
    return done, line.removeprefix("result="), wrong


def test_reporter_records_the_points_torchdojo_gives(step_run, course):
    done, encoded, wrong = step_run
    results = formats.exercism(base64.b64decode(encoded).decode("utf-8"))
    points = gradable_points(course)
    expected = sum(sum(points[t].values()) for t in TOPICS if t != "reshape_view")
    expected += expected_for(wrong, points["reshape_view"])
    maximum = sum(sum(points[t].values()) for t in TOPICS)
    assert reporter_verdict([results]) == (f"Points {expected:g}/{maximum:g}", True)
    failing = [t["name"] for t in results["tests"] if t["status"] != "pass"]
    assert failing == [f"reshape_view.{wrong.check}"]  # skipped GPU checks are no failures
    assert f"✗ reshape_view.{wrong.check}" in done.stderr  # the lesson is in the log
    assert wrong.mentions[0].lower() in done.stderr.lower()
    assert re.search(r"^::stop-commands::[0-9a-f]{32}$", done.stdout, re.M)


def _reporter() -> str:
    """GitHub Classroom's own reporter: TORCHDOJO_CLASSROOM_REPORTER (its src/main.js), else
    the copy of its source in tests/tools, whose dependencies scripts/test installs."""
    if not shutil.which("node"):
        pytest.fail("node is not installed: the reporter is a Node.js action (Debian: nodejs)")
    if os.environ.get("TORCHDOJO_CLASSROOM_REPORTER"):
        return os.environ["TORCHDOJO_CLASSROOM_REPORTER"]
    if not (REPORTER / "node_modules" / "@actions" / "core").is_dir():
        pytest.fail(f"the reporter's dependencies are not installed: npm install --prefix "
                    f"{REPORTER.relative_to(ROOT)} (scripts/test does it)")
    return str(REPORTER / "src" / "main.js")


def test_the_real_reporter_agrees(step_run):
    _, encoded, _ = step_run
    results = json.loads(base64.b64decode(encoded))
    env = {**os.environ, "INPUT_RUNNERS": "torchdojo", "TORCHDOJO_RESULTS": encoded}
    done = subprocess.run(["node", _reporter()], env=env,
                          capture_output=True, text=True, timeout=120)
    notice = re.search(r"::notice title=Autograding complete::(Points \S+)", done.stdout)
    points, fails = reporter_verdict([results])
    assert notice and notice[1] == points, done.stdout
    assert (done.returncode != 0) == fails
    report = re.search(r"::notice title=Autograding report::(\{.*\})", done.stdout)
    recorded = json.loads(report[1])
    assert f"Points {recorded['totalPoints']:g}/{recorded['maxPoints']:g}" == points


@pytest.mark.parametrize("content, says", [
    (None, "is not a results file"),
    ("{", "is not JSON"),
    ('{"version": 2, "status": "pass", "tests": []}', "not an exercism v3"),
    ('{"version": 3, "status": "pass", "tests": []}', "max_score and tests are missing"),
    ('{"version": 3, "status": "pass", "max_score": 2, "tests": [{"name": "x"}]}',
     "no finite score"),
])
def test_a_bad_results_file_is_one_line_and_exit_2(tmp_path, capsys, content, says):
    path = tmp_path / "results.json"
    if content is not None:
        path.write_text(content)
    assert classroom.main([str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and says in captured.err
    assert len(captured.err.strip().splitlines()) == 1
