"""grade-batch: a generated batch of correct, wrong and malicious learners gets the right
scores; a learner that kills or outlasts its worker gets an error row and nobody else suffers;
bad input is one line and exit 2."""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.batchgen import generate, signals_scoped
from tests.conftest import ROOT, invoke, processes_marked, solution
from tests.corpus import cases
from torchdojo.batch.grade_all import grade_batch
from torchdojo.batch.worker import Settings, serve


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


@pytest.mark.slow
def test_generated_batch_mixes_correct_wrong_and_malicious(generated, course):
    learners, _ = generated
    kinds = {part.kind for learner in learners for part in learner.parts.values()}
    assert {"reference", "right", "wrong", "attacks", "stub", "missing", "killer"} <= kinds
    assert len(learners) >= 30
    for learner in learners:
        assert set(learner.parts) == {t.name for t in course.topics}


@pytest.mark.slow
def test_every_learner_gets_its_expected_score(generated, course):
    learners, batch = generated
    rows = {row["learner"]: row for row in _gradebook(batch.output)}
    assert list(rows) == [learner.name for learner in learners]  # one row each, none missing
    for learner in learners:
        row = rows[learner.name]
        assert row["status"] == learner.state(), (learner.name, learner.parts, row)
        if learner.expected is None:
            assert row["total"] == "" and row["reason"], row
            continue
        assert float(row["total"]) == learner.expected, (learner.name, learner.parts, row)
        for topic, part in learner.parts.items():
            assert float(row[topic]) == part.expected, (learner.name, topic, part)


@pytest.mark.slow
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


@pytest.mark.slow
def test_killed_worker_is_replaced_and_batch_completes(generated):
    learners, batch = generated
    killed = [learner.name for learner in learners if learner.expected is None]
    assert batch.errors == killed
    assert killed == ([] if signals_scoped() else [learners[0].name])
    logs = list((batch.output / "logs").glob("worker-*.log"))
    assert len(logs) >= 2 + len(killed)  # a replacement for each worker killed


@pytest.mark.slow
def test_worker_that_dies_is_replaced_and_costs_only_its_learner(tmp_path):
    """Where a learner cannot kill its worker (scoped signals), a worker can still die (a
    grader bug, the machine's OOM killer): here it is killed from outside while it grades."""
    before = _temp_dirs()
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
    assert rows["b-dies"]["status"] == "needs_regrade"
    assert rows["b-dies"]["reason"].startswith("its grading worker was killed by SIGKILL")
    assert rows["a-right"]["status"] == rows["c-right"]["status"] == "graded"
    assert rows["a-right"]["tensors"] == rows["c-right"]["tensors"] != "0"
    assert not _alive(sandbox), "the dead worker's sandbox outlived it"
    assert _temp_dirs() <= before, "the killed worker's fork server folder was left behind"


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-2000:] if path.exists() else "(no log)"


def _temp_dirs() -> set[Path]:
    """multiprocessing's folders (a fork server's socket) in the system's temporary folder."""
    return set(Path(tempfile.gettempdir()).glob("pymp-*"))


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.mark.slow
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
    assert rows["b-hangs"]["status"] == "needs_regrade"
    assert rows["b-hangs"]["reason"].startswith("grading took longer than its budget")
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


@pytest.mark.slow
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
        assert rows["killer_spins"]["status"] == "needs_regrade"
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
    assert [k for k in rows["ada"]
            if k not in ("learner", "total", "max_score", "status", "reason", "seed")
            ] == ["tensors", "reshape_view"]
    assert rows["ada"]["tensors"] == rows["cy"]["tensors"] != "0"
    assert rows["ada"]["reshape_view"] == "0" and rows["bo"]["reshape_view"] != "0"
    assert rows["ada"]["status"] == rows["bo"]["status"] == "graded"
    assert {row["seed"] for row in rows.values()} == {"9"}


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` now (from /proc)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def _batch(submissions: Path, output: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "torchdojo", "grade-batch", str(submissions),
                             "--output", str(output), "--workers", "1", *extra], cwd=ROOT,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)  # a process group, as a terminal makes


@pytest.mark.slow
def test_ctrl_c_keeps_what_finished_and_the_printed_command_resumes(tmp_path):
    before = _temp_dirs()
    submissions, output = tmp_path / "subs", tmp_path / "out"
    for name in ("a-right", "b-hangs", "c-right"):
        (submissions / name).mkdir(parents=True)
    (submissions / "a-right" / "tensors.py").write_text(solution("tensors"))
    (submissions / "c-right" / "tensors.py").write_text(solution("tensors"))
    (submissions / "b-hangs" / "tensors.py").write_text(
        f"import os\nopen({str(tmp_path / 'pid')!r}, 'w').write(str(os.getpid()))\n"
        "while True:\n    pass\n")
    proc = _batch(submissions, output)
    deadline = time.monotonic() + 300
    while not (tmp_path / "pid").exists() and time.monotonic() < deadline:
        time.sleep(0.2)  # wait until b-hangs is being graded (a-right is done by then)
    below = _descendants(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group gets it
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    said = [line for line in stderr.splitlines() if "Resume with:" in line]
    assert len(said) == 1 and "2 learner(s) not graded yet" in said[0], stderr
    rows = {row["learner"]: row for row in _gradebook(output)}
    assert rows["a-right"]["status"] == "graded" and rows["a-right"]["tensors"] != "0"
    assert rows["b-hangs"]["status"] == rows["c-right"]["status"] == "pending"
    graded = (output / "reports" / "a-right.json").read_bytes()
    assert not [p for p in below | {int((tmp_path / "pid").read_text())} if _alive(p)], \
        "workers or sandboxes outlived the interrupted batch"
    assert not list(output.rglob(".*.tmp"))
    assert _temp_dirs() <= before, "a stopped worker left its fork server's folder behind"

    (submissions / "b-hangs" / "tensors.py").write_text(solution("tensors"))
    command = shlex.split(said[0].split("Resume with: ", 1)[1])
    assert command[:2] == ["torchdojo", "grade-batch"] and "--resume" in command
    again = subprocess.run([sys.executable, "-m", "torchdojo", *command[1:]], cwd=ROOT,
                           text=True, capture_output=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "Grading 2 learner(s)" in again.stderr and "1 kept" in again.stderr
    assert (output / "reports" / "a-right.json").read_bytes() == graded
    rows = {row["learner"]: row for row in _gradebook(output)}
    assert {row["status"] for row in rows.values()} == {"graded"}


@pytest.mark.slow
def test_ctrl_c_while_workers_start_stops_everything(tmp_path):
    submissions, output = tmp_path / "subs", tmp_path / "out"
    for name in ("a", "b"):
        (submissions / name).mkdir(parents=True)
        (submissions / name / "tensors.py").write_text(solution("tensors"))
    proc = _batch(submissions, output, "tensors")
    line = ""
    while "Grading" not in line and proc.poll() is None:
        line = proc.stderr.readline()  # printed just before the workers start
    deadline = time.monotonic() + 60
    while not (below := _descendants(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)  # a worker has started and is importing torch
    assert below
    proc.send_signal(signal.SIGINT)  # to the batch alone, this time
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Resume with:" in stderr, stderr
    assert "Traceback" not in stderr
    assert not [p for p in below if _alive(p)], "a worker outlived the interrupted batch"
    rows = {row["learner"]: row for row in _gradebook(output)}
    assert set(rows) == {"a", "b"} and json.loads((output / "batch.json").read_text())


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
    run = invoke("grade-batch", str(submissions), *topics, "--output", str(output))
    assert run.returncode == 2, run.stderr
    assert says in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert len(run.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_told_to_stop_ends_with_its_fork_server(tmp_path, monkeypatch):
    """A worker told to stop ends without tearing torch down and kills its fork server
    (``torchdojo.quick_exit``); left to end by itself, the fork server would finish importing
    torch and then spend a second freeing it, on a core the next batch wants."""
    token = f"TORCHDOJO_TEST_MARK_{os.getpid()}_worker"
    monkeypatch.setenv(token, "1")
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    settings = Settings(root=str(ROOT), seed=1, topics=("tensors",), log=str(tmp_path / "log"))
    worker = context.Process(target=serve, args=(theirs, settings))
    worker.start()
    theirs.close()  # then a worker that dies before it is ready ends the wait, not the suite
    said = ours.recv() if ours.poll(300) else None
    assert said and said[0] == "ready", f"the worker was not ready: {_tail(tmp_path / 'log')}"
    ours.send(None)
    worker.join(60)
    left = processes_marked(token)
    assert worker.exitcode == 0
    assert left == [], "the worker's fork server outlived it"
