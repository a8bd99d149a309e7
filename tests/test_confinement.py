"""Confinement on every path learner files arrive by: a batch, the Gradescope runner, nbgrader.

- Learners who attack what a batch shares (memory over forked processes and DataLoader
  workers, a fork bomb, millions of files, ``kill(-1)``) cost only themselves: the honest
  learners beside them get exactly the scores they get alone, in a batch's advisory tier
  (its guard), with ``--strict``, and without root.
- Strict grading fails closed on every path (``grade-batch``, the Gradescope runner,
  ``nbgrader grade``): where a confinement is missing it refuses with one line (the Gradescope
  runner: a well-formed result that awards nothing), or grades with what the caller waived
  and says so. ``grade --strict`` itself is covered in test_strict.py.
- Every authoritative path is strict: the Gradescope runner and ``nbgrader grade --strict``
  hold against the same attacks, and a notebook answer that reaches for the nbgrader course
  (other students, the solutions, the gradebook database) finds nothing there.

The sandbox's memory is lowered (TORCHDOJO_SANDBOX_MEMORY) so that the memory bombs cost a
busy machine seconds, not minutes.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests import formats, nbcourse, unprivileged
from tests.adversary import attack, submission
from tests.batchgen import RESOURCE_ATTACKS, attack_batch, gradable_points
from tests.conftest import ROOT, solution
from tests.corpus import cases
from torchdojo.batch.grade_all import grade_batch
from torchdojo.engine.grading import grade
from torchdojo.sandbox import capabilities, cgroups, limits

pytestmark = pytest.mark.slow  # every path under attack, each with real processes

SEED = 77
TOPICS = ("tensors", "reshape_view")
SMALL_MIB = 512
VALUES = {"GROUP_MEMORY_MIB": SMALL_MIB, "MEMORY_MIB": limits.MEMORY // limits.MiB}
# A batch's guard (no --strict) protects the other learners, not the machine's disk; and as
# root, learner code in it is root: grade untrusted code with --strict.
GUARD_ATTACKS = tuple(a for a in RESOURCE_ATTACKS if a != "L7_inode_bomb")
STRICT_ATTACKS = (*RESOURCE_ATTACKS, "C8_escape_confinement")
# What an ordinary user lacks (test_strict.py shows each refusal on `grade --strict`).
NOBODY_LACKS = "user,file-system,network,disk-space,memory,processes,teardown"

needs_root = pytest.mark.skipif(not unprivileged.available(),
                                reason="needs root, unshare and setpriv")
needs_groups = pytest.mark.skipif(not cgroups.tree().usable, reason="needs control groups")
needs_scoped_signals = pytest.mark.skipif(
    not capabilities.machine()["signals"].held,
    reason="kill(-1) is only safe to run where signals are scoped")


@pytest.fixture
def small_sandboxes(monkeypatch):
    monkeypatch.setenv("TORCHDOJO_SANDBOX_MEMORY", str(SMALL_MIB))


def _rows(path: Path) -> dict[str, dict]:
    with open(path, newline="") as handle:
        return {row["learner"]: row for row in csv.DictReader(handle)}


def _alone(course, folder: Path) -> dict[str, float]:
    """The learner's scores when graded alone, as `torchdojo grade` does."""
    report = grade(course, list(TOPICS), submission=folder, seed=SEED)
    assert not report.fault
    return {t.name: t.score for t in report.topics}


def _no_group_left() -> None:
    """Every sandbox's control group was removed at teardown."""
    tree = cgroups.tree()
    prefix = cgroups._owner_prefix()
    for parent in tree.parents:
        stale = [p.name for p in parent.iterdir() if p.name.startswith(prefix)
                 and not Path(f"/proc/{p.name[len(prefix):].split('-')[0]}").exists()]
        assert not stale, stale


def _check_batch(course, learners, rows: dict, reports: Path, *, strict: bool) -> None:
    for learner in learners:
        row = rows[learner.name]
        assert row["status"] == learner.state(list(TOPICS)), row
        report = json.loads((reports / f"{learner.name}.json").read_text())
        assert report["fault"] is None, report["fault"]
        if strict and row["status"] != "no_submission":  # else no sandbox ever started
            assert report["confinement"]["not_available"] == {}, report["confinement"]
        if learner.profile.startswith("attack-"):
            attacked, *rest = TOPICS
            assert float(row[attacked]) == 0, (learner.name, row)
            for topic in rest:
                assert float(row[topic]) == learner.parts[topic].expected, (learner.name, row)
            continue
        alone = _alone(course, learner.folder)
        for topic in TOPICS:  # exactly the scores they get alone, and what the corpus says
            assert float(row[topic]) == alone[topic] == learner.parts[topic].expected, \
                (learner.name, topic, row, alone)


# ----------------------------------------------------------------------------- batch


@needs_groups
@needs_scoped_signals
@pytest.mark.parametrize("strict", [False, True], ids=["guard", "strict"])
def test_attackers_in_a_batch_cost_only_themselves(course, tmp_path, small_sandboxes, strict):
    attacks = STRICT_ATTACKS if strict else GUARD_ATTACKS
    learners = attack_batch(course, tmp_path / "subs", honest=4, attackers=len(attacks),
                            topics=TOPICS, seed=3, attacks=attacks, values=VALUES)
    batch = grade_batch(course, tmp_path / "subs", tmp_path / "out", workers=2, topics=TOPICS,
                        seed=SEED, strict=strict)
    assert batch.errors == []
    _check_batch(course, learners, _rows(batch.gradebook), batch.output / "reports",
                 strict=strict)
    outputs = {name: json.loads((batch.output / "reports" / f"{name}.json").read_text())
               ["topics"][0]["output"] for name in batch.learners}
    said = "\n".join(outputs.values())
    assert "SIGNAL TO THE GRADER REFUSED" in said and "KILL(-1) SENT" in said
    assert "FORK BOMB STOPPED AT" in said and "DATALOADER BOMB STOPPED" in said
    for held in re.findall(r"FORKED MEMORY HELD (\d+) MiB", said):
        assert int(held) <= SMALL_MIB
    if strict:
        assert "LEFT GROUP FOR []" in said and "RAISED []" in said
    _no_group_left()


@needs_root
@needs_scoped_signals
def test_without_root_a_batch_still_holds(course):
    """An ordinary user's batch: kill(-1) reaches only the attacker's own processes (Landlock),
    a fork bomb stops at the sandbox's share (counted in its own user namespace), and the
    honest learners beside them get their own scores."""
    shared = unprivileged.shared_folder("torchdojo-batch-nobody-")
    try:
        attacks = ("X8_signal_everything", "L5_fork_bomb")
        learners = attack_batch(course, shared / "subs", honest=3, attackers=2, topics=TOPICS,
                                seed=4, attacks=attacks, values=VALUES)
        for path in (shared / "subs").rglob("*"):
            path.chmod(0o777 if path.is_dir() else 0o666)
        run = unprivileged.as_nobody(
            [sys.executable, "-m", "torchdojo", "grade-batch", str(shared / "subs"), *TOPICS,
             "--output", str(shared / "out"), "--workers", "2", "--seed", str(SEED)],
            home=shared)
        assert run.returncode == 0, run.stderr[-3000:]
        reports = shared / "out" / "reports"
        _check_batch(course, learners, _rows(shared / "out" / "gradebook.csv"), reports,
                     strict=False)
        said = "\n".join(json.loads(p.read_text())["topics"][0]["output"]
                         for p in reports.glob("*.json"))
    finally:
        shutil.rmtree(shared)
    assert "SIGNAL TO THE GRADER REFUSED" in said and "KILL(-1) SENT" in said
    forks = int(re.search(r"FORK BOMB STOPPED AT (\d+)", said)[1])
    assert forks < limits.Policy.processes


@needs_root
def test_batch_strict_refuses_without_confinement_unless_waived(course):
    shared = unprivileged.shared_folder("torchdojo-batch-refused-")
    try:
        for name in ("ada", "bo"):
            (shared / "subs" / name).mkdir(parents=True)
            (shared / "subs" / name / "tensors.py").write_text(solution("tensors"))
        batch = [sys.executable, "-m", "torchdojo", "grade-batch", str(shared / "subs"),
                 "tensors", "--output", str(shared / "out"), "--workers", "1", "--strict"]
        refused = unprivileged.as_nobody(batch, home=shared, userns=False)
        _one_line_refusal(refused, NOBODY_LACKS)
        assert not (shared / "out").exists()  # refused before any worker started
        waived = unprivileged.as_nobody([*batch, "--allow-weaker", NOBODY_LACKS], home=shared,
                                        userns=False)
        assert waived.returncode == 0, waived.stderr[-3000:]
        rows = _rows(shared / "out" / "gradebook.csv")
        report = json.loads((shared / "out" / "reports" / "ada.json").read_text())
    finally:
        shutil.rmtree(shared)
    full = sum(gradable_points(course)["tensors"].values())
    assert {float(rows[n]["tensors"]) for n in ("ada", "bo")} == {full}
    assert report["tier"] == "strict" and report["fault"] is None
    assert set(report["confinement"]["waived"]) == _facts(NOBODY_LACKS)
    assert set(report["confinement"]["not_available"]) <= set(report["confinement"]["waived"])


def _facts(kinds: str) -> set[str]:
    return {capabilities.fact(k) for k in kinds.split(",")}


def _one_line_refusal(run: subprocess.CompletedProcess, kinds: str) -> None:
    assert run.returncode == 2, (run.stdout + run.stderr)[-3000:]
    line = run.stderr.strip().removeprefix("Error: ")
    assert len(line.splitlines()) == 1 and "Traceback" not in run.stderr, run.stderr
    assert line.startswith("strict grading refused") and "run as root (sudo)" in line
    assert set(line.rsplit("--allow-weaker ", 1)[1].split(",")) == set(kinds.split(","))


# ----------------------------------------------------------------------------- Gradescope


def _unpack(bundle: Path, root: Path, files: dict[str, str]) -> None:
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():  # extractall drops permissions; Gradescope keeps them
            (root / "source" / info.filename).chmod(stat.S_IMODE(info.external_attr >> 16))
    (root / "submission").mkdir(parents=True)
    for name, text in files.items():
        (root / "submission" / name).write_text(text)


def _runner_env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TORCHDOJO_COURSE")}
    return {**env, "TORCHDOJO_AUTOGRADER_ROOT": str(root), "TORCHDOJO_PYTHON": sys.executable,
            **extra}


@needs_groups
@needs_scoped_signals
def test_gradescope_runner_holds_against_the_attacks(bundle, tmp_path, course):
    """One submission, an attack in each of six topics, the references elsewhere: the
    attacked topics score 0 and every other topic its full points."""
    topics = [t.name for t in course.topics]
    attacked = dict(zip(topics[:len(STRICT_ATTACKS)], STRICT_ATTACKS, strict=True))
    files = {f"{t.name}.py": solution(t.name) for t in course.topics}
    for topic, name in attacked.items():
        files.update(submission([name], topic, VALUES))
    root = tmp_path / "autograder"
    _unpack(bundle, root, files)
    run = subprocess.run([str(root / "source" / "run_autograder")], cwd=tmp_path,
                         env=_runner_env(root, TORCHDOJO_SANDBOX_MEMORY=str(SMALL_MIB)),
                         capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stderr
    data = formats.gradescope((root / "results" / "results.json").read_text())
    points = gradable_points(course)
    assert data["score"] == sum(sum(p.values()) for t, p in points.items() if t not in attacked)
    for test in data["tests"]:
        if test["name"].split(".")[0] in attacked:
            assert test["score"] == 0, test
    assert data["extra_data"]["waived"] == []


@needs_root
def test_gradescope_runner_refuses_with_a_result_unless_the_bundle_waives(tmp_path, course):
    """Where the runner cannot confine (here: an ordinary user on a machine without user
    namespaces), results.json awards nothing and tells the instructor why and how to waive;
    a bundle exported with those confinements waived grades and says so."""
    shared = unprivileged.shared_folder("torchdojo-gradescope-")
    try:
        waiving = shared / "waiving.zip"
        exported = subprocess.run(
            [sys.executable, "-m", "torchdojo", "export", "gradescope", str(waiving),
             "--allow-weaker", NOBODY_LACKS], cwd=ROOT, capture_output=True, text=True,
            timeout=300)
        assert exported.returncode == 0, exported.stderr
        plain = shared / "plain.zip"
        subprocess.run([sys.executable, "-m", "torchdojo", "export", "gradescope", str(plain)],
                       cwd=ROOT, check=True, capture_output=True, timeout=300)
        results = {}
        for name, zipped in (("plain", plain), ("waiving", waiving)):
            root = shared / name
            _unpack(zipped, root, {"tensors.py": solution("tensors")})
            (root / "results").mkdir()
            for path in [root, *root.rglob("*")]:
                path.chmod(path.stat().st_mode | 0o777 if path.is_dir() else
                           path.stat().st_mode | 0o666)
            run = unprivileged.as_nobody([str(root / "source" / "run_autograder")], home=shared,
                                         userns=False, cwd=shared,
                                         env={"TORCHDOJO_AUTOGRADER_ROOT": str(root),
                                              "TORCHDOJO_PYTHON": sys.executable})
            assert run.returncode == 0, run.stderr[-3000:]
            results[name] = formats.gradescope((root / "results" / "results.json").read_text())
    finally:
        shutil.rmtree(shared)
    refused = results["plain"]
    assert refused["score"] == 0
    assert [t["name"] for t in refused["tests"]] == ["Autograder failed", "Autograder exception"]
    hidden = refused["tests"][1]["output"]
    assert "strict grading refused" in hidden and "run as root (sudo)" in hidden
    assert f"torchdojo export gradescope --allow-weaker {NOBODY_LACKS}" in hidden
    graded = results["waiving"]
    assert graded["score"] == sum(gradable_points(course)["tensors"].values()) > 0
    assert set(graded["extra_data"]["waived"]) == _facts(NOBODY_LACKS)


def test_export_gradescope_rejects_unknown_waivers(tmp_path):
    run = subprocess.run([sys.executable, "-m", "torchdojo", "export", "gradescope",
                          str(tmp_path / "a.zip"), "--allow-weaker", "memory,swap"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "unknown confinement 'swap'" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and not (tmp_path / "a.zip").exists()


# ----------------------------------------------------------------------------- nbgrader


@pytest.fixture(scope="module")
def notebooks(course, tmp_path_factory):
    """A one-topic nbgrader course: alice (the reference), bob (a corpus mistake), mallory
    (reaches for the course from an answer cell) and trudy (a memory bomb and kill(-1))."""
    root = tmp_path_factory.mktemp("nbgrader") / "course"
    state = nbcourse.new_course(root, course, ["tensors"])
    nbcourse.add_folder(state, "alice", course.solutions)
    wrong = tmp_path_factory.mktemp("bob")
    (wrong / "tensors.py").write_text(cases("wrong", "tensors")[0].source())
    nbcourse.add_folder(state, "bob", wrong)
    values = {**VALUES, "COURSE": str(root)}
    nbcourse.add_trick(state, "mallory", attack("NB_reach_the_course").parts(values)[0])
    trudy = "\n".join(attack(a).parts(values)[0]
                      for a in ("L3_forked_memory_bomb", "X8_signal_everything"))
    nbcourse.add_trick(state, "trudy", trudy)
    return state


def _nb_grade(root: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "torchdojo", "nbgrader", "grade", str(root),
                           "tensors", "--seed", str(SEED), *extra], cwd=ROOT,
                          capture_output=True, text=True, timeout=1800,
                          env={**os.environ, **(env or {})})


def _extra_credit(root: Path) -> list:
    with sqlite3.connect(root / "gradebook.db") as database:
        return [row[0] for row in database.execute("SELECT extra_credit FROM grade")]


def _totals(root: Path) -> dict[str, float]:
    with sqlite3.connect(root / "gradebook.db") as database:
        rows = database.execute(
            "SELECT s.student_id, g.auto_score, g.manual_score, g.extra_credit FROM grade g "
            "JOIN submitted_notebook n ON g.notebook_id = n.id "
            "JOIN submitted_assignment s ON n.assignment_id = s.id").fetchall()
    totals: dict[str, float] = {}
    for student, auto, manual, extra in rows:
        totals[student] = totals.get(student, 0) + (manual if manual is not None else
                                                     auto or 0) + (extra or 0)
    return totals


def test_without_strict_an_answer_reaches_the_course(notebooks, tmp_path):
    """Why nbgrader grade must be strict: graded without it, mallory's answer sees every
    student and the solutions and forges extra credit. (The course is put back afterwards.)"""
    backup = tmp_path / "backup"
    shutil.copytree(notebooks.root, backup)
    try:
        # one worker: alice's grades are written before mallory's answer runs
        run = _nb_grade(notebooks.root, "--student", "alice", "--student", "mallory",
                        "--workers", "1", "--reports", str(tmp_path / "reports"))
        assert run.returncode == 0, run.stderr
        forged = _extra_credit(notebooks.root)
    finally:
        shutil.rmtree(notebooks.root)
        shutil.copytree(backup, notebooks.root)
    said = json.loads((tmp_path / "reports" / "mallory.json").read_text())["topics"][0]
    seen = re.search(r"COURSE SEEN: STUDENTS (\d+) SOLUTIONS (\d+) FORGED (\d+)",
                     said["output"])
    assert int(seen[1]) == 4 and int(seen[2]) == 1 and int(seen[3]) > 0, said["output"]
    assert 1000 in forged  # alice's grades, written before mallory's run


@needs_groups
@needs_scoped_signals
def test_strict_nbgrader_grade_keeps_the_course_out_of_reach(notebooks, tmp_path):
    run = _nb_grade(notebooks.root, "--strict", "--reports", str(tmp_path / "reports"),
                    env={"TORCHDOJO_SANDBOX_MEMORY": str(SMALL_MIB)})
    assert run.returncode == 0, run.stderr[-3000:]
    assert "4 of 4 submission(s) written to the gradebook" in run.stdout
    reports = {p.stem: json.loads(p.read_text()) for p in (tmp_path / "reports").glob("*.json")}
    for report in reports.values():
        assert report["tier"] == "strict" and report["fault"] is None
        assert report["confinement"]["not_available"] == {}
    mallory = reports["mallory"]["topics"][0]["output"]
    assert "COURSE SEEN: STUDENTS 0 SOLUTIONS 0 FORGED 0" in mallory, mallory
    assert "GRADEBOOK REFUSED" in mallory
    trudy = reports["trudy"]["topics"][0]["output"]
    assert "SIGNAL TO THE GRADER REFUSED" in trudy and "KILL(-1) SENT" in trudy, trudy
    held = re.search(r"FORKED MEMORY HELD (\d+) MiB", trudy)
    assert held and int(held[1]) <= SMALL_MIB, trudy
    assert all(credit is None for credit in _extra_credit(notebooks.root))
    totals = _totals(notebooks.root)
    alone = {name: sum(nbcourse.module_scores(learner, ["tensors"], SEED)["tensors"].values())
             for learner in notebooks.learners for name in [learner.name]
             if name in ("alice", "bob")}
    assert totals["alice"] == alone["alice"] > totals["bob"] == alone["bob"] > 0
    assert totals["mallory"] == totals["trudy"] == 0


@needs_root
def test_nbgrader_strict_refuses_without_confinement_unless_waived(notebooks):
    shared = unprivileged.shared_folder("torchdojo-nbgrader-")
    try:
        copy = shared / "course"
        shutil.copytree(notebooks.root, copy)
        for path in [copy, *copy.rglob("*")]:
            path.chmod(0o777 if path.is_dir() else 0o666)
        before = _totals(copy)
        grade_cli = [sys.executable, "-m", "torchdojo", "nbgrader", "grade", str(copy),
                     "tensors", "--student", "alice", "--seed", str(SEED), "--strict"]
        refused = unprivileged.as_nobody(grade_cli, home=shared, userns=False)
        _one_line_refusal(refused, NOBODY_LACKS)
        assert _totals(copy) == before  # nothing read, graded or written
        waived = unprivileged.as_nobody([*grade_cli, "--allow-weaker", NOBODY_LACKS,
                                         "--reports", str(shared / "reports")], home=shared,
                                        userns=False)
        assert waived.returncode == 0, waived.stderr[-3000:]
        report = json.loads((shared / "reports" / "alice.json").read_text())
    finally:
        shutil.rmtree(shared)
    assert report["tier"] == "strict" and report["fault"] is None
    assert report["score"] == report["max_score"] > 0
    assert set(report["confinement"]["waived"]) == _facts(NOBODY_LACKS)
