"""Distributed jobs on forked ranks: results come back as data, and no rank can hang a job."""

from __future__ import annotations

import importlib.util
import os
import time

import pytest
import torch
import torch.distributed as dist

from torchdojo.engine.rank_records import rank_records
from torchdojo.sandbox.host import SandboxCrashed, SandboxTimeout
from torchdojo.sandbox.ranks import Work, run, run_jobs, start


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


def test_a_rank_that_starts_late_still_joins_the_trusted_group():
    """Creating a TCPStore server sometimes takes 5 s here (a torch stall): a rank can reach a
    crew's first trusted join seconds after the other. The join waits as long as a rendezvous
    may, not the group's collective timeout, so trusted set-up never fails for a slow start."""
    def target(rank):
        if rank.rank == 1:
            time.sleep(1.5)  # longer than the group's timeout below
        rank.join("late")
        total = torch.tensor([rank.rank + 1.0])
        dist.all_reduce(total)
        rank.record("sum", value=total.item())

    ranks = run(target, learner_file=__file__, group_timeout=1.0)
    found = rank_records(ranks, "sum", FakeLearner(), "sum")
    assert [f["value"] for f in found] == [3.0, 3.0]


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
        os.environ.update(rank.torchrun_env())
        dist.init_process_group("gloo")  # env://, as a script under torchrun does
        total = torch.tensor([float(os.environ["RANK"]) + 1])
        dist.all_reduce(total)
        rank.record("sum", value=total.item(), rank=dist.get_rank(),
                    port=os.environ["MASTER_PORT"])
        dist.destroy_process_group()

    found = rank_records(run(target, learner_file=__file__), "sum", FakeLearner(), "sum")
    assert [(f["rank"], f["value"]) for f in found] == [(0, 3.0), (1, 3.0)]
    assert found[0]["port"] == found[1]["port"] != "29500"  # a port the system chose


# ----------------------------------------------------------------------------- crews: several jobs


def pid_job(rank):
    rank.record("pid", pid=os.getpid())


def test_jobs_of_a_crew_share_ranks_and_keep_their_records_apart(tmp_path):
    """Two crews run three jobs each; a job's records, output and environment are its own, and
    what one job changes in its ranks (the learner module, grad mode, the default dtype, the
    random generator, the environment) is put back before the next."""
    module = _module(tmp_path)

    def meddle(rank):
        print(f"meddling on rank {rank.rank}", flush=True)
        module.answer = lambda: "patched"
        module.extra = 1
        os.environ["TORCHDOJO_TEST_LEFT"] = "yes"
        torch.set_grad_enabled(False)
        torch.set_default_dtype(torch.float64)
        torch.manual_seed(123)
        rank.record("meddled", pid=os.getpid())

    def look(rank):
        rank.join("look")
        total = torch.tensor([rank.rank + 1.0])
        dist.all_reduce(total)
        rank.record("seen", pid=os.getpid(), answer=module.answer(), extra=hasattr(module, "extra"),
                    left=os.environ.get("TORCHDOJO_TEST_LEFT"), grad=torch.is_grad_enabled(),
                    dtype=str(torch.get_default_dtype()), draw=torch.rand(1).item(),
                    env=os.environ.get("TORCHDOJO_TEST_JOB"), sum=total.item())

    torch.manual_seed(0)
    expected_draw = torch.rand(1).item()
    torch.manual_seed(0)
    envs = [{"TORCHDOJO_TEST_JOB": f"rank {r}"} for r in range(2)]
    works = {"meddle": Work(meddle), "meddle 2": Work(meddle),  # dealt to the crews in turn
             "look": Work(look, envs=envs), "look 2": Work(look),
             "pid": Work(pid_job), "pid 2": Work(pid_job)}
    found = run_jobs(works, crews=2, module=module)

    pids = {name: [r["steps"][step]["pid"] for r in found[name]]
            for name, step in [("meddle", "meddled"), ("look", "seen"), ("pid", "pid"),
                               ("meddle 2", "meddled"), ("look 2", "seen"), ("pid 2", "pid")]}
    assert pids["meddle"] == pids["look"] == pids["pid"]  # one crew: ranks started once
    assert pids["meddle 2"] == pids["look 2"] == pids["pid 2"]
    assert pids["meddle"] != pids["meddle 2"]  # two crews side by side
    for name, env in [("look", "rank {}"), ("look 2", None)]:
        for r, rank in enumerate(found[name]):
            assert rank["status"] == "ok" and "meddling" not in rank["output"]
            assert rank["steps"]["seen"] == {
                "pid": pids[name][r], "answer": "original", "extra": False, "left": None,
                "grad": True, "dtype": "torch.float32", "draw": expected_draw,
                "env": env and env.format(r), "sum": 3.0}
    assert [r["output"] for r in found["meddle"]] == ["meddling on rank 0\n",
                                                      "meddling on rank 1\n"]


def test_after_a_job_that_went_wrong_the_next_starts_on_fresh_ranks(tmp_path):
    """A learner exception, a hang past the deadline or a rank that dies ends its crew: the
    jobs after it run on new ranks, with their own deadline, and finish as if alone."""
    module = _module(tmp_path)

    def raises(rank):
        _, error = rank.attempt(lambda: 1 / 0)
        rank.record("step", error=error, pid=os.getpid())

    def hangs(rank):
        rank.record("step", pid=os.getpid())
        if rank.rank == 1:
            time.sleep(60)

    def dies(rank):
        rank.record("step", pid=os.getpid())
        if rank.rank == 0:
            os._exit(3)

    works = {"raises": Work(raises), "after raises": Work(pid_job), "hangs": Work(hangs),
             "after hangs": Work(pid_job), "dies": Work(dies), "after dies": Work(pid_job)}
    started = time.monotonic()
    found = run_jobs(works, crews=1, module=module, deadline=2.0)
    assert time.monotonic() - started < 15
    assert [r["status"] for r in found["raises"]] == ["ok", "ok"]
    assert [r["status"] for r in found["hangs"]] == ["ok", "killed"]
    assert [r["exit"] for r in found["dies"]] == ["exit 3", "ok"]
    for name in ["after raises", "after hangs", "after dies"]:
        assert [r["status"] for r in found[name]] == ["ok", "ok"]
        before = name.removeprefix("after ")
        assert {r["steps"]["pid"]["pid"] for r in found[name]}.isdisjoint(
            r["steps"]["step"]["pid"] for r in found[before])


def test_every_job_is_finished_and_closed(tmp_path):
    closed = []

    def finish(ranks):
        return [r["steps"]["pid"]["pid"] for r in ranks]

    works = {name: Work(pid_job, finish=finish, close=lambda name=name: closed.append(name))
             for name in ("a", "b", "c")}
    found = run_jobs(works, crews=2, module=_module(tmp_path))
    assert sorted(closed) == ["a", "b", "c"]
    assert found["a"] == found["c"] != found["b"] and len(set(found["a"])) == 2


def test_rank_0_keeps_the_crews_store_until_every_rank_has_finished():
    """Rank 0 hosts the store the ranks meet in: done with its last job first, it must not take
    the store away from a rank still using it."""
    def late_reader(rank):
        keys = rank._keys("late")
        if rank.rank == 0:
            keys.set("said", "hello")
        else:
            time.sleep(0.5)  # rank 0 is done by now
            rank.record("heard", it=keys.get("said").decode())

    ranks = run(late_reader, learner_file=__file__, deadline=10.0)
    assert ranks[1]["steps"]["heard"] == {"it": "hello"}


def _module(tmp_path):
    """A learner module, as the sandbox imported it."""
    path = tmp_path / "learner_module.py"
    path.write_text("def answer():\n    return 'original'\n")
    spec = importlib.util.spec_from_file_location("learner_module", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ranks_done_with_their_last_job_are_reaped_by_the_next_run_and_lose_no_output():
    """After a clean last job the sandbox goes on without waiting for the ranks' exits; what
    they printed is whole (even without a newline), and the next run reaps them."""
    def printer(rank):
        rank.record("pid", pid=os.getpid())
        print(f"rank {rank.rank} says", end="")  # no newline: still in a buffer, unless flushed

    first = run(printer, learner_file=__file__)
    assert [r["exit"] for r in first] == ["ok", "ok"]
    assert all(f"rank {r} says" in first[r]["output"] for r in range(2))
    run(pid_job, learner_file=__file__)
    for rank in first:
        with pytest.raises(ChildProcessError):  # reaped: no zombie is left behind
            os.waitpid(rank["steps"]["pid"]["pid"], os.WNOHANG)
