"""Distributed jobs on forked ranks: results come back as data, and no rank can hang a job."""

from __future__ import annotations

import os
import time

import pytest
import torch
import torch.distributed as dist

from torchdojo.engine.rank_records import rank_records
from torchdojo.sandbox.host import SandboxCrashed, SandboxTimeout
from torchdojo.sandbox.ranks import run, start, torchrun_env


class FakeLearner:
    last_call = ""


@pytest.fixture(autouse=True)
def private_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # jobs keep their files in the working folder, as in a sandbox


@pytest.fixture(params=["pidfd", "poll"])
def exits(request, monkeypatch):
    """How a job hears that its ranks exited: pidfds, or polling where there are none."""
    if request.param == "poll":
        monkeypatch.delattr(os, "pidfd_open", raising=False)
    return request.param


def test_records_come_back_as_data_with_tensors(exits):
    def target(rank):
        rank.record("step", rank=rank.rank, values=torch.arange(3) * rank.rank, name="x")

    ranks = run(target, learner_file=__file__)
    assert [r["status"] for r in ranks] == ["ok", "ok"]
    assert ranks[1]["steps"]["step"]["rank"] == 1
    assert torch.equal(ranks[1]["steps"]["step"]["values"], torch.tensor([0, 1, 2]))


def test_jobs_started_together_run_side_by_side(tmp_path):
    """The first job's ranks wait for a file that only the second job's ranks write: run one
    after the other, they would wait out their deadline."""
    signal_file = tmp_path / "second job ran"

    def waiting(rank):
        end = time.monotonic() + 10
        while not signal_file.exists() and time.monotonic() < end:
            time.sleep(0.01)
        rank.record("saw", it=signal_file.exists())

    def writing(rank):
        signal_file.write_text("here")
        rank.record("wrote", it=True)

    first = start(waiting, learner_file=__file__, deadline=15)
    second = start(writing, learner_file=__file__)
    assert [r["steps"]["saw"]["it"] for r in first.wait()] == [True, True]
    assert [r["status"] for r in second.wait()] == ["ok", "ok"]


def test_ranks_meet_in_one_gloo_group():
    def target(rank):
        rank.join("group")
        total = torch.tensor([rank.rank + 1.0])
        dist.all_reduce(total)
        rank.record("sum", value=total.item(), world=dist.get_world_size())

    found = rank_records(run(target, learner_file=__file__), "sum", FakeLearner(), "sum")
    assert [f["value"] for f in found] == [3.0, 3.0] and found[0]["world"] == 2


def test_a_hanging_rank_is_killed_at_the_deadline_and_keeps_its_records(exits):
    def target(rank):
        rank.record("before", ok=True)
        if rank.rank == 1:
            time.sleep(60)
        rank.record("after", ok=True)

    started = time.monotonic()
    ranks = run(target, learner_file=__file__, deadline=1.0)
    assert time.monotonic() - started < 10
    assert [r["status"] for r in ranks] == ["ok", "killed"]
    assert ranks[1]["steps"]["before"] == {"ok": True}
    with pytest.raises(SandboxTimeout, match="still running"):
        rank_records(ranks, "after", FakeLearner(), "the step")


def test_an_exiting_rank_is_a_crash_not_a_hang(exits):
    def target(rank):
        if rank.rank == 0:
            print("bye", flush=True)
            os._exit(3)
        rank.record("step", ok=True)

    ranks = run(target, learner_file=__file__)
    assert ranks[0]["status"] == "died" and ranks[0]["exit"] == "exit 3"
    assert "bye" in ranks[0]["output"]
    with pytest.raises(SandboxCrashed, match="rank 0 exited with status 3.*bye"):
        rank_records(ranks, "step", FakeLearner(), "the step")


def test_a_learner_exception_is_reported_with_its_rank():
    def target(rank):
        _, error = rank.attempt(lambda: 1 / rank.rank)
        rank.record("step", error=error)

    learner = FakeLearner()
    with pytest.raises(Exception, match="ZeroDivisionError") as caught:
        rank_records(run(target, learner_file=__file__), "step", learner, "divide")
    assert type(caught.value).__name__ == "LearnerRaised"
    assert learner.last_call == "divide on rank 0"


def test_a_collective_only_rank_0_enters_ends_as_a_timeout():
    def target(rank):
        rank.join("group")
        error = None
        if rank.rank == 0:
            _, error = rank.attempt(dist.barrier)
        rank.record("step", error=error)

    started = time.monotonic()
    ranks = run(target, learner_file=__file__, group_timeout=2.0)
    assert time.monotonic() - started < 15
    with pytest.raises(SandboxTimeout, match="collective that another rank never entered"):
        rank_records(ranks, "step", FakeLearner(), "barrier")


def test_freeing_ddp_after_destroy_does_not_hang_a_rank():
    """A gloo group freed after destroy_process_group can hang in its destructor (17 of 40
    runs before ranks kept shut-down groups alive); keep it from coming back."""
    def target(rank):
        rank.join("group")
        model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(3, 2))
        model(torch.randn(4, 3)).sum().backward()
        dist.destroy_process_group()
        del model
        rank.record("freed", ok=True)

    for _ in range(8):
        assert [r["status"] for r in run(target, learner_file=__file__, deadline=10.0)] == \
            ["ok", "ok"]


def test_torchrun_environment_lets_env_rendezvous_work():
    def target(rank):
        dist.init_process_group("gloo")  # env://, as a script under torchrun does
        total = torch.tensor([float(os.environ["RANK"]) + 1])
        dist.all_reduce(total)
        rank.record("sum", value=total.item(), rank=dist.get_rank())
        dist.destroy_process_group()

    with torchrun_env(2) as envs:
        assert {e["MASTER_PORT"] for e in envs} != {"29500"}  # a port the system chose
        found = rank_records(run(target, learner_file=__file__, envs=envs), "sum",
                             FakeLearner(), "sum")
    assert [(f["rank"], f["value"]) for f in found] == [(0, 3.0), (1, 3.0)]
