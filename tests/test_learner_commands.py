"""Progress, list, reset and solution, run as a learner runs them, in a private course copy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import invoke, solution
from torchdojo import course as course_mod
from torchdojo.author import stubs
from torchdojo.engine.report import CheckResult, Report, Status, TopicResult
from torchdojo.engine.spec import Check
from torchdojo.learn.progress import Progress


def torchdojo(*args: str, cwd: Path, input: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "torchdojo", *args], cwd=cwd, text=True,
                          input=input, capture_output=True, timeout=300,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "120"})


def checks_of(*names: str, points: int = 1) -> tuple[Check, ...]:
    return tuple(Check(n, points, "c", ("a", "b")) for n in names)


def report_of(topic: str, **statuses: str) -> Report:
    results = [CheckResult(n, Status(s), 1 if s == "passed" else 0, 1) for n, s in statuses.items()]
    return Report(seed=1, tier="local", topics=[TopicResult(topic, topic, results)])


# ----------------------------------------------------------------------------- progress


def test_topic_progress_counts_points_and_completion(tmp_path):
    progress = Progress.load(tmp_path)
    checks = checks_of("a", "b", "gpu")
    assert progress.topic("t", checks).started is False
    progress.record(report_of("t", a="passed", b="failed", gpu="skipped"))
    standing = progress.topic("t", checks)
    # the skipped check is not counted, as in a grade report
    assert (standing.points, standing.max_points, standing.passed) == (1, 2, 1)
    assert standing.started and not standing.complete and standing.last
    progress.record(report_of("t", b="passed"))
    # a check that needs a GPU cannot pass here and does not hold the topic back
    assert progress.topic("t", checks).complete


def test_progress_survives_a_reload_and_forgets_one_topic(tmp_path):
    progress = Progress.load(tmp_path)
    progress.record(report_of("t", a="passed"))
    progress.record(report_of("u", a="passed"))
    progress.next_hint("t", "a", 3)
    progress.save()
    again = Progress.load(tmp_path)
    assert again.passed("t", "a") and again.checks["t/a"]["passed_at"]
    again.forget("t")
    assert not again.passed("t", "a") and again.passed("u", "a") and again.hints == {}


def test_list_shows_a_course_bar_and_a_row_per_topic(course_dir):
    (course_dir / "exercises" / "tensors.py").write_text(solution("tensors"))
    assert torchdojo("grade", "tensors", cwd=course_dir).returncode == 0
    run = torchdojo("list", cwd=course_dir)
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    course = load(course_dir)
    total = sum(_points(course, t) for t in course.topics)
    tensors = _points(course, course.topic("tensors"))
    assert lines[0].startswith("course █") and f"{tensors}/{total} points" in lines[0]
    assert "1 of " in lines[0] and "topics done" in lines[0]
    row = next(line for line in lines if " tensors " in line)
    assert "done" in row and "██████████" in row and f"{tensors}/{tensors}" in row
    other = next(line for line in lines if " reshape_view " in line)
    assert "new" in other and "░░░░░░░░░░" in other


def test_list_topic_shows_each_check_and_when_it_passed(course_dir):
    (course_dir / "exercises" / "tensors.py").write_text(solution("tensors"))
    torchdojo("grade", "tensors", cwd=course_dir)
    run = torchdojo("list", "tensors", cwd=course_dir)
    rows = [line for line in run.stdout.splitlines()[1:] if line.strip()]
    assert len(rows) >= 8
    assert all(" passed " in row for row in rows)
    assert invoke("list", "nope", cwd=course_dir).returncode == 2


def load(root: Path):
    return course_mod.load(root)


def _points(course, topic) -> int:
    from torchdojo.engine import catalog

    return catalog.points(course, topic)


# ----------------------------------------------------------------------------- reset


def test_reset_asks_first_and_keeps_the_file_when_declined(course_dir):
    mine = course_dir / "exercises" / "tensors.py"
    mine.write_text("# my work\n")
    run = torchdojo("reset", "tensors", cwd=course_dir, input="n\n")
    assert run.returncode == 1 and "Aborted" in run.stderr
    assert mine.read_text() == "# my work\n"
    assert not (course_dir / ".torchdojo" / "backups").exists()


def test_reset_restores_the_stub_and_backs_up_the_learners_file(course_dir):
    mine = course_dir / "exercises" / "tensors.py"
    mine.write_text(solution("tensors"))
    torchdojo("grade", "tensors", cwd=course_dir)
    run = torchdojo("reset", "tensors", cwd=course_dir, input="y\n")
    assert run.returncode == 0, run.stderr
    stub = stubs.derive((course_dir / "solutions" / "tensors.py").read_text())
    assert mine.read_text() == stub
    backups = list((course_dir / ".torchdojo" / "backups").glob("tensors-*.py"))
    assert [b.read_text() for b in backups] == [solution("tensors")]
    assert str(backups[0].relative_to(course_dir)) in run.stdout
    progress = json.loads((course_dir / ".torchdojo" / "progress.json").read_text())
    assert not [k for k in progress["checks"] if k.startswith("tensors/")]


def test_reset_yes_skips_the_question_and_twice_keeps_both_backups(course_dir):
    mine = course_dir / "exercises" / "tensors.py"
    for text in ("# first\n", "# second\n"):
        mine.write_text(text)
        assert torchdojo("reset", "tensors", "--yes", cwd=course_dir).returncode == 0
    kept = sorted(p.read_text() for p in (course_dir / ".torchdojo" / "backups").iterdir())
    assert kept == ["# first\n", "# second\n"]


def test_reset_of_an_untouched_stub_does_nothing(course_dir):
    run = torchdojo("reset", "tensors", cwd=course_dir)
    assert run.returncode == 0 and "already the untouched stub" in run.stdout
    assert not (course_dir / ".torchdojo" / "backups").exists()


def test_reset_unknown_topic_is_one_line(course_dir):
    run = invoke("reset", "nope", "--yes", cwd=course_dir)
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1


# ----------------------------------------------------------------------------- solution


def test_solution_is_locked_until_the_topic_passes(course_dir):
    run = torchdojo("solution", "tensors", cwd=course_dir)
    assert run.returncode == 1
    assert run.stdout == "" and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "unlocks once" in run.stderr
    assert "def scalar" not in run.stderr


def test_solution_is_shown_once_every_check_passed(course_dir):
    (course_dir / "exercises" / "tensors.py").write_text(solution("tensors"))
    assert torchdojo("grade", "tensors", cwd=course_dir).returncode == 0
    run = torchdojo("solution", "tensors", cwd=course_dir)
    assert run.returncode == 0
    assert "def scalar(" in run.stdout and "### BEGIN SOLUTION" in run.stdout
    assert torchdojo("solution", "reshape_view", cwd=course_dir).returncode == 1
