"""Work in a fork of the sandbox: its value comes back as data, and no fork can hang a probe,
forge a file the probe reads, or leave anything behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import torch

from torchdojo.engine.fork_results import fork_value
from torchdojo.sandbox.forks import start
from torchdojo.sandbox.host import BadReply, LearnerRaised, SandboxCrashed, SandboxTimeout


class FakeLearner:
    last_call = ""


@pytest.fixture(autouse=True)
def private_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # forks keep their files in the working folder, as in a sandbox
    yield tmp_path
    assert list(tmp_path.iterdir()) == []  # every fork's folder is gone once it is read


def test_a_fork_returns_tensors_and_plain_data_while_the_caller_works():
    fork = start(lambda n: {"ones": torch.ones(n), "n": n, "pid": os.getpid()}, 3,
                 learner_file=__file__, deadline=30)
    here = torch.arange(3).sum().item()  # the caller's own work, meanwhile
    found = fork_value(fork.result(), FakeLearner(), "ones", 30)
    assert torch.equal(found["ones"], torch.ones(3)) and found["n"] == 3 and here == 3
    assert found["pid"] != os.getpid()


def test_what_the_function_raised_is_the_learners_error_under_the_label():
    def divide():
        return 1 / 0

    learner = FakeLearner()
    with pytest.raises(LearnerRaised, match="a short run raised ZeroDivisionError"):
        fork_value(start(divide, learner_file=__file__, deadline=30).result(), learner,
                   "a short run", 30)
    assert learner.last_call == "a short run"


def test_a_fork_past_its_deadline_is_killed_and_reported_as_a_timeout():
    started = time.monotonic()
    found = start(time.sleep, 60, learner_file=__file__, deadline=1.0).result()
    assert time.monotonic() - started < 10 and found["lost"] == "killed"
    with pytest.raises(SandboxTimeout, match="still running after 1 s"):
        fork_value(found, FakeLearner(), "a short run", 1.0)


def test_a_fork_that_exits_is_a_crash_with_its_last_words(capfd):
    def leave():
        print("bye", flush=True)
        os._exit(3)

    found = start(leave, learner_file=__file__, deadline=30).result()
    assert found["lost"] == "exit 3" and "bye" in found["output"]
    assert "bye" in capfd.readouterr().out  # echoed into the sandbox's output, as a call's is
    with pytest.raises(SandboxCrashed, match="exited with status 3 .*its last words: bye"):
        fork_value(found, FakeLearner(), "a short run", 30)


def test_a_value_the_wire_cannot_carry_is_a_bad_reply():
    found = start(lambda: object(), learner_file=__file__, deadline=30).result()
    with pytest.raises(BadReply, match="cannot read"):
        fork_value(found, FakeLearner(), "a short run", 30)


def test_a_result_file_swapped_for_a_link_is_not_followed():
    def forge():
        folder = Path(os.getcwd())
        for sub in folder.iterdir():  # the fork's own folder
            (sub / "result").symlink_to("/etc/passwd")
        os._exit(0)

    found = start(forge, learner_file=__file__, deadline=30).result()
    assert found["lost"] == "ok"  # it exited, but what it left is not its result
    with pytest.raises(SandboxCrashed, match="exited \\(status 0, before its function returned"):
        fork_value(found, FakeLearner(), "a short run", 30)


def test_close_stops_a_running_fork_at_once():
    fork = start(time.sleep, 60, learner_file=__file__, deadline=60)
    started = time.monotonic()
    fork.close()
    assert time.monotonic() - started < 5
    with pytest.raises(ProcessLookupError):
        os.kill(fork.pid, 0)  # reaped, not left a zombie
    assert fork.result()["lost"] == "killed"  # and asking again answers the same


def test_without_fork_the_work_runs_at_once_with_the_same_answers(monkeypatch):
    monkeypatch.delattr(os, "fork")  # as on Windows
    found = start(lambda n: {"ones": torch.ones(n), "pid": os.getpid()}, 2,
                  learner_file=__file__, deadline=30).result()
    assert torch.equal(found["value"]["ones"], torch.ones(2))
    assert found["value"]["pid"] == os.getpid()
    with pytest.raises(LearnerRaised, match="ZeroDivisionError"):
        fork_value(start(lambda: 1 / 0, learner_file=__file__, deadline=30).result(),
                   FakeLearner(), "a short run", 30)
