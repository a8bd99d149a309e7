"""The command as a user runs it: exit codes, one-line errors, formats, replay, hints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_course, invoke, processes_marked, solution
from tests.corpus import cases


def torchdojo(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "torchdojo", *args], cwd=cwd, text=True,
                          capture_output=True, env={**os.environ, **(env or {})}, timeout=300)


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory) -> Path:
    """A private copy of the course, so progress and edits never touch the repository."""
    return copy_course(tmp_path_factory.mktemp("course"))


def test_reference_solutions_get_full_marks():
    run = torchdojo("grade", "--submission", "solutions", "--format", "json", "--seed", "11")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["score"] == report["max_score"] > 0
    assert report["seed"] == 11
    for topic in report["topics"]:
        assert {"name", "score", "max_score", "checks"} <= topic.keys()
        for check in topic["checks"]:
            assert {"name", "status", "score", "max_score", "message"} <= check.keys()
            needs_gpu = check["status"] == "skipped" and not report["environment"]["cuda"]
            assert check["status"] == "passed" or needs_gpu, check


def test_untouched_exercises_score_zero_all_not_attempted():
    run = torchdojo("grade", "--format", "json")
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert report["score"] == 0 and report["max_score"] > 0
    statuses = {c["status"] for t in report["topics"] for c in t["checks"]}
    assert statuses == {"not_attempted"} | ({"skipped"} & statuses)
    assert report["counts"]["not_attempted"] >= 8 * len(report["topics"])


def test_same_seed_replays_the_same_inputs(course_copy, tmp_path):
    wrong = cases("wrong", "tensors")[0]
    (tmp_path / "tensors.py").write_text(wrong.source())
    runs = [torchdojo("grade", "tensors", "--submission", str(tmp_path), "--seed", "99",
                      "--format", "json", cwd=course_copy) for _ in range(2)]
    first, second = (json.loads(r.stdout) for r in runs)
    for report in (first, second):
        for topic in report["topics"]:
            for check in topic["checks"]:
                check.pop("seconds")
        report.pop("seconds")
    assert first == second


@pytest.mark.parametrize("args, says", [
    (["grade", "no_such_topic"], "unknown topic 'no_such_topic'"),
    (["grade", "--submission", "/no/such/folder"], "does not exist"),
    (["hint", "no_such_topic"], "unknown topic"),
    (["hint", "tensors", "no_such_check"], "has no check 'no_such_check'"),
])
def test_user_mistakes_get_one_line_and_exit_2(args, says):
    run = invoke(*args)
    assert run.returncode == 2
    assert says in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert len(run.stderr.strip().splitlines()) == 1


def test_syntax_error_is_one_topic_error(tmp_path):
    (tmp_path / "tensors.py").write_text("def scalar(value:\n    return value\n")
    (tmp_path / "reshape_view.py").write_text(solution("reshape_view"))
    run = torchdojo("grade", "--submission", str(tmp_path), "--format", "json")
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    topics = {t["name"]: t for t in json.loads(run.stdout)["topics"]}
    assert "SyntaxError" in topics["tensors"]["error"]
    assert "tensors.py:1" in topics["tensors"]["error"]
    assert "\n" not in topics["tensors"]["error"]
    assert topics["reshape_view"]["score"] == topics["reshape_view"]["max_score"]


def test_missing_topic_file_is_not_attempted(tmp_path):
    (tmp_path / "reshape_view.py").write_text(solution("reshape_view"))
    run = torchdojo("grade", "--submission", str(tmp_path), "--format", "json")
    topics = {t["name"]: t for t in json.loads(run.stdout)["topics"]}
    assert {c["status"] for c in topics["tensors"]["checks"]} == {"not_attempted"}


def test_text_report_and_output_file(tmp_path):
    out = tmp_path / "report.txt"
    run = torchdojo("grade", "tensors", "--submission", "solutions", "--output", str(out))
    assert run.returncode == 0 and run.stdout == ""
    text = out.read_text()
    assert "advisory" in text and "seed" in text
    assert "Every check passed." in text
    assert "\x1b[" not in text  # no colour codes in files


def test_no_color_is_respected():
    run = torchdojo("grade", "tensors", env={"NO_COLOR": "1", "FORCE_COLOR": ""})
    assert "\x1b[" not in run.stdout


def test_printed_fake_results_do_not_reach_the_report(tmp_path):
    fake = next(c for c in cases("attacks") if "fake_passed" in c.path.stem)
    (tmp_path / "tensors.py").write_text(fake.source())
    run = torchdojo("grade", "tensors", "--submission", str(tmp_path), "--format", "json")
    report = json.loads(run.stdout)  # stdout is exactly one JSON document
    assert report["score"] < report["max_score"]
    assert "12 passed" in report["topics"][0]["output"]  # kept as feedback, not as a result


def test_hints_escalate_for_the_first_unpassed_check(course_copy):
    first = torchdojo("hint", "tensors", cwd=course_copy)
    second = torchdojo("hint", "tensors", cwd=course_copy)
    assert first.returncode == 0 == second.returncode
    assert "scalar_is_0d" in first.stdout and "hint 1 of 3" in first.stdout
    assert "hint 2 of 3" in second.stdout
    assert (course_copy / ".torchdojo" / "progress.json").is_file()


def test_list_shows_topics_in_order(course_copy):
    run = torchdojo("list", cwd=course_copy)
    assert run.returncode == 0
    assert 0 < run.stdout.index(" tensors ") < run.stdout.index(" reshape_view ")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("submission, status", [("solutions", 0), ("exercises", 1)])
def test_the_command_ends_at_once_with_its_whole_output_and_status(submission, status,
                                                                     tmp_path):
    """The command ends without tearing torch down (``torchdojo/__main__.py``): its output is
    whole, its exit status is the grade's, and its fork server is gone with it rather than
    spending a second freeing modules. (Output goes to a file: a pipe would be held open by a
    fork server that lingers, and the wait for it would hide it.)"""
    token = f"TORCHDOJO_TEST_MARK_{os.getpid()}_{submission}"
    out = tmp_path / "report.json"
    with out.open("w") as stdout:
        code = subprocess.call([sys.executable, "-m", "torchdojo", "grade", "tensors",
                                "--submission", submission, "--format", "json", "--seed", "5"],
                               cwd=ROOT, stdout=stdout, stderr=subprocess.DEVNULL,
                               env={**os.environ, token: "1"}, timeout=300)
    left = processes_marked(token)
    assert code == status
    report = json.loads(out.read_text())
    assert report["seed"] == 5 and report["topics"][0]["name"] == "tensors"
    assert left == [], "the fork server outlived the command"
