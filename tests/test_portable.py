"""The paths a learner on macOS or Windows takes: spawned sandboxes, output caught without
file descriptors, and killing without process groups. Forced here on Linux."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from torchdojo.sandbox import host
from torchdojo.sandbox.host import Budget, Sandbox, SandboxTimeout

LEARNER = """
import sys
import time

print("hello from the learner")
print("and from stderr", file=sys.stderr)


def double(x):
    print("doubling", x)
    return 2 * x


def hang():
    while True:
        time.sleep(0.01)
"""


@pytest.fixture
def windows_like(monkeypatch):
    """Spawn instead of the fork server, and output sent as messages (no fd redirection)."""
    monkeypatch.setattr(host, "_CTX", multiprocessing.get_context("spawn"))
    monkeypatch.setattr(host, "OUTPUT_AT_FD", False)


def test_spawned_sandbox_answers_and_its_output_is_kept(windows_like, tmp_path):
    path = tmp_path / "learner.py"
    path.write_text(LEARNER)
    box = Sandbox.for_file("learner", path)
    try:
        assert box.call("double", (21,)).value == 42
    finally:
        box.close()
    printed = box.output.text()
    for line in ("hello from the learner", "and from stderr", "doubling 21"):
        assert line in printed


def test_timeouts_kill_the_sandbox_without_process_groups(windows_like, monkeypatch, tmp_path):
    monkeypatch.delattr(os, "killpg")
    path = tmp_path / "learner.py"
    path.write_text(LEARNER)
    box = Sandbox.for_file("learner", path, budget=Budget(call=1.0))
    box.start()
    proc = box._proc
    with pytest.raises(SandboxTimeout):
        box.call("hang")
    proc.join(timeout=10)
    assert not proc.is_alive()


def test_a_whole_grade_with_spawned_sandboxes_gets_full_marks():
    run = subprocess.run([sys.executable, "-m", "torchdojo", "grade", "tensors", "--submission",
                          "solutions", "--format", "json", "--seed", "3"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "TORCHDOJO_START_METHOD": "spawn"})
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["score"] == report["max_score"] > 0


def test_ddp_is_skipped_not_failed_where_the_system_cannot_fork():
    # As on Windows: no os.fork, sandboxes spawned. Its ranks are forks of the sandbox, so
    # ddp's checks cannot run; a learner must not be blamed for the missing system call.
    script = ("import os, sys\ndel os.fork\nsys.argv = ['torchdojo', 'grade', 'ddp', "
              "'--submission', 'solutions', '--format', 'json', '--seed', '1']\n"
              "from torchdojo.__main__ import run\nrun()\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=300,
                         env={**os.environ, "TORCHDOJO_START_METHOD": "spawn"})
    checks = json.loads(run.stdout)["topics"][0]["checks"]
    assert {c["status"] for c in checks} == {"skipped"}, run.stderr
    assert any("cannot fork" in c["message"] for c in checks)


def test_start_method_override_ignores_unknown_values(monkeypatch):
    from torchdojo.sandbox import forkserver

    monkeypatch.setenv("TORCHDOJO_START_METHOD", "spawn")
    assert forkserver._context().get_start_method() == "spawn"
    monkeypatch.setenv("TORCHDOJO_START_METHOD", "fork")  # not a method sandboxes may use
    assert forkserver._context().get_start_method() in forkserver.METHODS


def test_keys_fall_back_to_lines_without_a_terminal():
    from torchdojo.learn import events as inputs

    with open(os.devnull) as stream, inputs.single_keys(stream) as single:
        assert single is False
