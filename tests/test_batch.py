"""grade-batch: a generated batch of correct, wrong and malicious learners gets the right
scores; a learner that kills or outlasts its worker gets an error row and nobody else suffers;
bad input is one line and exit 2."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.batchgen import generate, signals_scoped
from tests.conftest import ROOT, solution
from tests.corpus import cases
from torchdojo.batch.run import grade_batch


def _gradebook(output: Path) -> list[dict]:
    with open(output / "gradebook.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def torchdojo(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "torchdojo", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def generated(course, tmp_path_factory):
    """A batch of 32 generated learners (one kills its grading process), graded once."""
    root = tmp_path_factory.mktemp("batch")
    learners = generate(course, root / "submissions", 32, seed=11, killers=1)
    batch = grade_batch(course, root / "submissions", root / "grades", workers=2, seed=5,
                        timeout_scale=0.3)
    return learners, batch


def test_generated_batch_mixes_correct_wrong_and_malicious(generated, course):
    learners, _ = generated
    kinds = {part.kind for learner in learners for part in learner.parts.values()}
    assert {"reference", "right", "wrong", "attacks", "stub", "missing", "killer"} <= kinds
    assert len(learners) >= 30
    for learner in learners:
        assert set(learner.parts) == {t.name for t in course.topics}


def test_every_learner_gets_its_expected_score(generated, course):
    learners, batch = generated
    rows = {row["learner"]: row for row in _gradebook(batch.output)}
    assert list(rows) == [learner.name for learner in learners]  # one row each, none missing
    for learner in learners:
        row = rows[learner.name]
        if learner.expected is None:
            assert row["status"].startswith("error:") and row["total"] == "", row
            continue
        assert row["status"] == "graded", row
        assert float(row["total"]) == learner.expected, (learner.name, learner.parts, row)
        for topic, part in learner.parts.items():
            assert float(row[topic]) == part.expected, (learner.name, topic, part)


def test_each_learner_has_a_json_report(generated, course):
    learners, batch = generated
    for learner in learners:
        report = json.loads((batch.output / "reports" / f"{learner.name}.json").read_text())
        assert report["learner"] == learner.name and report["seed"] == 5
        assert [t["name"] for t in report["topics"]] == [t.name for t in course.topics]
        if learner.expected is None:
            assert "killed by SIGKILL" in report["fault"]
        else:
            assert report["fault"] is None and report["score"] == learner.expected
    assert not list((batch.output / "reports").glob(".*"))  # no temporary files left


def test_killed_worker_is_replaced_and_batch_completes(generated):
    learners, batch = generated
    killed = [learner.name for learner in learners if learner.expected is None]
    assert batch.errors == killed
    assert killed == ([] if signals_scoped() else [learners[0].name])
    logs = list((batch.output / "logs").glob("worker-*.log"))
    assert len(logs) >= 2 + len(killed)  # a replacement for each worker killed


def test_worker_that_dies_is_replaced_and_costs_only_its_learner(tmp_path):
    """Where a learner cannot kill its worker (scoped signals), a worker can still die (a
    grader bug, the machine's OOM killer): here it is killed from outside while it grades."""
    submissions, output = tmp_path / "subs", tmp_path / "out"
    for name in ("a-right", "b-dies", "c-right"):
        (submissions / name).mkdir(parents=True)
    for name in ("a-right", "c-right"):
        (submissions / name / "tensors.py").write_text(solution("tensors"))
    (submissions / "b-dies" / "tensors.py").write_text(
        f"import os, time\nopen({str(tmp_path / 'pid')!r}, 'w').write(str(os.getpid()))\n"
        "time.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, "-m", "torchdojo", "grade-batch", str(submissions),
                             "tensors", "--output", str(output), "--workers", "1", "--seed", "2"],
                            cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not (tmp_path / "pid").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    sandbox = int((tmp_path / "pid").read_text())
    worker = _parent(_parent(sandbox))  # past the fork server
    os.kill(worker, signal.SIGKILL)
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 1, stderr  # 1: some learners need a regrade
    rows = {row["learner"]: row for row in _gradebook(output)}
    assert rows["b-dies"]["status"].startswith("error: its grading worker was killed by SIGKILL")
    assert rows["a-right"]["status"] == rows["c-right"]["status"] == "graded"
    assert rows["a-right"]["tensors"] == rows["c-right"]["tensors"] != "0"
    assert not _alive(sandbox), "the dead worker's sandbox outlived it"


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_learner_over_budget_is_stopped_without_holding_up_others(course, tmp_path):
    hang = next(c for c in cases("attacks", "tensors") if c.status == "timeout")
    submissions = tmp_path / "submissions"
    for name, source in [("a-right", solution("tensors")), ("b-hangs", hang.source()),
                         ("c-right", solution("tensors"))]:
        (submissions / name).mkdir(parents=True)
        (submissions / name / "tensors.py").write_text(source)
    # Calls may take 50 s, but a learner only 40 s: the hanging one overruns its budget.
    batch = grade_batch(course, submissions, tmp_path / "out", workers=1, seed=1,
                        timeout_scale=5, budget=40)
    rows = {row["learner"]: row for row in _gradebook(batch.output)}
    assert rows["b-hangs"]["status"].startswith("error: grading took longer than its budget")
    assert rows["a-right"]["status"] == rows["c-right"]["status"] == "graded"
    assert rows["a-right"]["tensors"] == rows["c-right"]["tensors"] != "0"
    assert batch.errors == ["b-hangs"]


ESCAPES = {
    # F4: a double-forked daemon leaves the sandbox's process group and would live on.
    "daemon": """
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        open({pids!r} + "/daemon", "w").write(str(os.getpid()))
        while True:
            time.sleep(0.05)
    os._exit(0)
""",
    # C7 then C1: kill the grading worker (where signals reach it), then spin; the sandbox
    # is orphaned, or (scoped signals) runs into its time budget.
    "killer_spins": """
import os, signal
open({pids!r} + "/killer_spins", "w").write(str(os.getpid()))
with open(f"/proc/{{os.getppid()}}/stat") as stat:
    try:
        os.kill(int(stat.read().rsplit(")", 1)[1].split()[1]), signal.SIGKILL)
    except PermissionError:
        pass
while True:
    pass
""",
}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_processes_left_behind_by_learners_are_killed(course, tmp_path):
    pids = tmp_path / "pids"
    pids.mkdir()
    submissions = tmp_path / "submissions"
    for name, source in ESCAPES.items():
        (submissions / name).mkdir(parents=True)
        (submissions / name / "tensors.py").write_text(source.format(pids=str(pids)))
    (submissions / "right").mkdir()
    (submissions / "right" / "tensors.py").write_text(solution("tensors"))
    batch = grade_batch(course, submissions, tmp_path / "out", workers=2, seed=1,
                        timeout_scale=0.3)
    rows = {row["learner"]: row for row in _gradebook(batch.output)}
    assert rows["right"]["status"] == rows["daemon"]["status"] == "graded"
    if signals_scoped():  # the kill was refused: its topic ran out of time, and scored 0
        assert rows["killer_spins"]["status"] == "graded"
        assert rows["killer_spins"]["tensors"] == "0"
    else:
        assert rows["killer_spins"]["status"].startswith("error:")
    for name in ESCAPES:
        pid = int((pids / name).read_text())
        assert not _alive(pid), f"{name} (pid {pid}) outlived the batch"


def test_cli_grades_a_batch_and_prints_one_line_per_learner(tmp_path):
    submissions = tmp_path / "class"
    for name, topic in [("ada", "tensors"), ("bo", "reshape_view")]:
        (submissions / name).mkdir(parents=True)
        (submissions / name / f"{topic}.py").write_text(solution(topic))
    repo = submissions / "cy" / "exercises"  # a repository checkout works too
    repo.mkdir(parents=True)
    (repo / "tensors.py").write_text(solution("tensors"))
    run = torchdojo("grade-batch", str(submissions), "tensors", "reshape_view",
                    "--output", str(tmp_path / "out"), "--workers", "2", "--seed", "9")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "[3/3]" in run.stderr and "seed 9" in run.stderr
    rows = {row["learner"]: row for row in _gradebook(tmp_path / "out")}
    assert [k for k in rows["ada"] if k not in ("learner", "total", "max_score", "status", "seed")
            ] == ["tensors", "reshape_view"]
    assert rows["ada"]["tensors"] == rows["cy"]["tensors"] != "0"
    assert rows["ada"]["reshape_view"] == "0" and rows["bo"]["reshape_view"] != "0"
    assert {row["seed"] for row in rows.values()} == {"9"}


def test_interrupted_batch_keeps_what_it_graded(tmp_path):
    submissions, output = tmp_path / "subs", tmp_path / "out"
    for name in ("a-right", "b-hangs", "c-right"):
        (submissions / name).mkdir(parents=True)
    (submissions / "a-right" / "tensors.py").write_text(solution("tensors"))
    (submissions / "c-right" / "tensors.py").write_text(solution("tensors"))
    (submissions / "b-hangs" / "tensors.py").write_text(
        f"import os\nopen({str(tmp_path / 'pid')!r}, 'w').write(str(os.getpid()))\n"
        "while True:\n    pass\n")
    proc = subprocess.Popen([sys.executable, "-m", "torchdojo", "grade-batch", str(submissions),
                             "--output", str(output), "--workers", "1"], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not (tmp_path / "pid").exists() and time.monotonic() < deadline:
        time.sleep(0.2)  # wait until b-hangs is being graded (a-right is done by then)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "interrupted" in stderr, stderr
    assert "Traceback" not in stderr
    rows = {row["learner"]: row for row in _gradebook(output)}
    assert rows["a-right"]["status"] == "graded" and rows["a-right"]["tensors"] != "0"
    assert rows["b-hangs"]["status"] == rows["c-right"]["status"] == "pending"
    assert (output / "reports" / "a-right.json").is_file()
    pid = int((tmp_path / "pid").read_text())
    time.sleep(1)
    assert not _alive(pid), "the hanging sandbox outlived the interrupted batch"


@pytest.mark.parametrize("layout, says", [
    ("missing", "does not exist"),
    ("empty", "no learner folders in"),
    ("single", "to grade one submission use"),
    ("output_is_file", "cannot write to"),
    ("output_under_file", "cannot write to"),
    ("unknown_topic", "unknown topic"),
])
def test_bad_input_is_one_line_and_exit_2(layout, says, tmp_path):
    submissions, output = tmp_path / "subs", tmp_path / "out"
    if layout != "missing":
        submissions.mkdir()
    if layout == "single":
        (submissions / "tensors.py").write_text(solution("tensors"))
    if layout.startswith("output"):
        (submissions / "ada").mkdir()
        blocker = tmp_path / "blocker"
        blocker.write_text("a file, not a folder")
        output = blocker if layout == "output_is_file" else blocker / "grades"
    topics = ["no_such_topic"] if layout == "unknown_topic" else []
    if layout == "unknown_topic":
        (submissions / "ada").mkdir()
    run = torchdojo("grade-batch", str(submissions), *topics, "--output", str(output))
    assert run.returncode == 2, run.stderr
    assert says in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert len(run.stderr.strip().splitlines()) == 1
