"""The ddp topic against the real thing: torchrun, and the GPU tier's code path on the CPU.

The grader runs a learner's ``main`` with the environment torchrun gives its workers, on ranks
forked inside the sandbox (milliseconds), instead of launching ``torchrun`` (seconds). These
tests launch the real ``torchrun`` once to show that the contract is the same one: the same
variables, and the reference script it runs ends with the parameters the grader expects.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tests.conftest import ROOT
from torchdojo.sandbox.host import Budget, Sandbox
from torchdojo.sandbox.ranks import torchrun_variables

# Each worker ends as the grader's ranks do (torchdojo/sandbox/ranks.py): a gloo group freed
# after its shutdown, or at interpreter exit once the other rank is gone, can abort the
# process ("terminate called without an active exception"), which fails the run after its
# work is done. The groups are kept, and the worker skips interpreter teardown.
DUMP_ENV = """
import json, os, runpy, sys
from torchdojo.sandbox.ranks import _keep_shut_down_groups
keys = sorted(k for k in os.environ if k.startswith(("RANK", "LOCAL_", "WORLD_", "GROUP_",
              "ROLE_", "MASTER_", "TORCHELASTIC_")))
with open(f"env{os.environ['RANK']}.json", "w") as f:
    json.dump(keys, f)
_keep_shut_down_groups()
runpy.run_path(sys.argv[1], run_name="__main__")
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
"""


def grader():
    spec = importlib.util.spec_from_file_location("ddp_grader", ROOT / "graders" / "ddp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference():
    spec = importlib.util.spec_from_file_location("ddp_reference", ROOT / "solutions" / "ddp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(shutil.which("torchrun", path=os.path.dirname(sys.executable)) is None,
                    reason="torchrun is not installed next to this Python")
def test_reference_under_real_torchrun_matches_the_oracle(tmp_path):
    (tmp_path / "dump_env.py").write_text(DUMP_ENV)
    torchrun = str(Path(sys.executable).with_name("torchrun"))
    run = subprocess.run([torchrun, "--standalone", "--nproc_per_node", "2", "dump_env.py",
                          str(ROOT / "solutions" / "ddp.py")], cwd=tmp_path, text=True,
                         capture_output=True, timeout=300,
                         # torchrun leaves a torchelastic_* folder in TMPDIR: keep it here
                         env={**os.environ, "TMPDIR": str(tmp_path)})
    assert run.returncode == 0, run.stderr[-3000:]
    ref, checks = reference(), grader()
    config = ref.CONFIG
    with torch.random.fork_rng(devices=[]):
        model = ref.make_model(config["seed"])
    want = checks.one_process(
        model, *ref.make_dataset(config["seed"], config["samples"]).tensors,
        batch_size=config["batch_size"], lr=config["lr"],
        passes=checks.shuffled_passes(config["samples"], config["seed"], config["epochs"]))
    saved = torch.load(tmp_path / config["checkpoint"], weights_only=True)
    for name, value in saved.items():
        torch.testing.assert_close(value, want.state[name].values, rtol=1e-4, atol=1e-5)
    logged = [line for line in run.stdout.splitlines() if line.startswith("epoch ")]
    assert len(logged) == config["epochs"]  # rank 0 alone logs
    for line, loss in zip(logged, want.losses, strict=True):
        assert float(line.split()[-1]) == pytest.approx(loss, rel=1e-4)
    ours = torchrun_variables(0, 2, 12345)
    for rank in range(2):
        real = json.loads((tmp_path / f"env{rank}.json").read_text())
        assert set(real) - {"TORCHELASTIC_ERROR_FILE", "TORCHELASTIC_SIGNALS_TO_HANDLE"} \
            <= set(ours), "torchrun sets variables that the grader's contract lacks"


def test_learner_setup_and_cleanup_path_of_the_nccl_check_runs_on_gloo():
    """The nccl check joins with the learner's setup on a backend and leaves with its cleanup;
    on a CPU machine the same path runs with gloo, so only the backend itself is untested."""
    checks = grader()
    plan = checks.draw_plan(3)
    xs, ys = checks.halves(plan)
    box = Sandbox.for_file("ddp", ROOT / "solutions" / "ddp.py", budget=Budget(call=60, topic=120))
    try:
        from torchdojo.engine.proxies import Learner

        learner = Learner(box)
        ranks = learner.run(checks.probe_wrap, [plan.state, plan.other], xs, ys, ["cpu", "cpu"],
                            "gloo", 5.0)
        checks.check_wrap(ranks, learner, plan)
    finally:
        box.close()


def test_one_crew_or_two_the_jobs_record_the_same():
    """The grader runs its jobs on one crew of ranks on two cores and on two crews with more:
    the records must not depend on which ranks ran which job, nor on what ran before."""
    checks = grader()
    plan = checks.draw_plan(5)
    xs, ys = checks.halves(plan)
    arguments = {"train": [plan.state, plan.x, plan.y, plan.batch_size, plan.epochs, plan.lr,
                           plan.seed],
                 "wrap": [[plan.state, plan.other], xs, ys, ["cpu"] * 2],
                 "loader": [len(plan.x), plan.batch_size, plan.seed],
                 "metric": [list(plan.totals), list(plan.counts)]}
    box = Sandbox.for_file("ddp", ROOT / "solutions" / "ddp.py", budget=Budget(call=60, topic=120))
    try:
        from torchdojo.engine.proxies import Learner

        learner = Learner(box)
        one, two = (learner.run(checks.probe_jobs, arguments, crews) for crews in (1, 2))
    finally:
        box.close()
    for name in arguments:
        assert [r["status"] for r in one[name]] == [r["status"] for r in two[name]] == ["ok"] * 2
        for first, second in zip(one[name], two[name], strict=True):
            assert first["steps"].keys() == second["steps"].keys()
            for step, values in first["steps"].items():
                assert json.dumps(values, default=_tensor_list, sort_keys=True) == json.dumps(
                    second["steps"][step], default=_tensor_list, sort_keys=True), (name, step)


def _tensor_list(value):
    return value.values.tolist() if hasattr(value, "values") else repr(value)


def test_no_seed_lets_a_wrong_global_mean_pass():
    """A mean of the ranks' means, or one rank's own mean, must differ from the global mean
    beyond the tolerance from every seed (with equal counts the mean of means is right)."""
    checks = grader()
    tol = checks.TOL
    for seed in range(2000):
        plan = checks.draw_plan(seed)
        want = sum(plan.totals) / sum(plan.counts)
        means = [t / c for t, c in zip(plan.totals, plan.counts, strict=True)]
        for wrong in (sum(means) / len(means), *means):
            assert abs(wrong - want) > tol["atol"] + tol["rtol"] * abs(want), (seed, plan)
