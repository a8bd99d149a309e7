"""Checks for `ddp`: real torch.distributed (gloo) on 2 forked ranks, on CPU; nccl on GPUs.

A DDP job runs on 2 ranks forked in the learner's sandbox (``torchdojo.sandbox.ranks``); they
meet through a ``file://`` store in the sandbox's private folder, call one or two of the
learner's functions next to trusted set-up code, and record what happened as data. One shared
run (``jobs``) runs every CPU job on a few crews of ranks side by side, each crew's jobs one
after the other; each check reads its own job, and several checks read the same one. Expected
values come from PyTorch's own oracle, computed here in the grading process: one process
training on the full batch that the two ranks share must end with the same gradients and
parameters, and ``DistributedSampler`` itself says which samples each rank must see.

A rank that waits in a collective the other rank never enters gives up after
``GROUP_TIMEOUT`` seconds (the ``timeout=`` of its process group), and the job kills ranks
still running after ``DEADLINE``; the sandbox's own call timeout is the last resort. Either way
the check reports a timeout that says which collective to look at, never a hung grader.
"""

import math
import os
from dataclasses import dataclass, replace

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DistributedSampler

from torchdojo.checks import (
    DEADLINE,
    GROUP_TIMEOUT,
    Draw,
    Mismatch,
    TensorData,
    alongside,
    as_data,
    check,
    derive_seed,
    expect,
    expect_true,
    job_part,
    mlp,
    oracle,
    probe,
    probe_helper,
    rank_records,
    ranks_that_wrote,
    shared,
)

MANUAL = "https://docs.pytorch.org/docs/stable/"  # the PyTorch manual
PAGES = MANUAL + "generated/"  # one page per function or class
TUTORIALS = "https://docs.pytorch.org/tutorials/"

WORLD = 2
# Crews of ranks side by side, each running its share of the jobs in turn. On two cores a
# second crew cost a quarter more CPU for no time saved (its ranks wait for the same cores);
# with more cores, two crews finish sooner.
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
CREWS = 1 if (CORES or 1) <= 2 else 2
TOL = {"rtol": 1e-4, "atol": 1e-5}  # float32 sums in another order, nothing more


# ----------------------------------------------------------------------------- the jobs' inputs


@dataclass(frozen=True)
class Plan:
    """Everything the jobs of one run use, drawn from the run's seed."""

    state: dict  # initial weights of the MLP (rank 0's)
    other: dict  # rank 1's different initial weights, for the wrap job
    x: torch.Tensor
    y: torch.Tensor
    batch_size: int  # global: both ranks together, per step
    epochs: int
    lr: float
    seed: int  # the sampler's seed
    totals: tuple[float, ...]  # global_mean inputs per rank
    counts: tuple[int, ...]
    config: dict  # main()'s config, for the torchrun job


def draw_plan(seed: int) -> Plan:
    draw = Draw(derive_seed(seed, "ddp", "plan"))
    features, hidden, outputs = draw.integer(3, 5), draw.integer(4, 7), draw.integer(1, 3)
    per_rank = draw.integer(2, 4)
    shard = per_rank * draw.integer(2, 3) + draw.integer(1, per_rank - 1)  # a smaller last batch
    n = WORLD * shard

    def weights() -> dict:
        return {"0.weight": draw.tensor(hidden, features) / 2, "0.bias": draw.tensor(hidden) / 2,
                "2.weight": draw.tensor(outputs, hidden) / 2, "2.bias": draw.tensor(outputs) / 2}

    state, other = weights(), weights()
    config = {"seed": draw.integer(0, 999), "samples": WORLD * draw.integer(5, 9),
              "batch_size": WORLD * draw.integer(2, 4), "epochs": 2, "lr": 0.1}
    plan = Plan(state=state, other=other, x=draw.tensor(n, features), y=draw.tensor(n, outputs),
                batch_size=WORLD * per_rank, epochs=2, lr=draw.choice([0.05, 0.1, 0.2]),
                seed=draw.integer(0, 9999), totals=(), counts=(), config=config)
    return replace(plan, **metric_inputs(draw))


def metric_inputs(draw: Draw) -> dict:
    """global_mean's inputs per rank: different counts and different means per sample, so
    neither a mean of the ranks' means nor one rank's own mean is the global mean (with equal
    counts the mean of means is right by chance: 1 seed in 9 drew them)."""
    counts, means = [draw.integer(1, 4), draw.integer(5, 9)], [draw.number(1, 9),
                                                               draw.number(11, 30)]
    if draw.choice([False, True]):  # which rank has the larger share
        counts.reverse()
    if draw.choice([False, True]):
        means.reverse()
    return {"counts": tuple(counts),
            "totals": tuple(round(m * c, 2) for m, c in zip(means, counts, strict=True))}


def halves(plan: Plan) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """One global batch, split between the ranks as DDP would: rank r takes the r-th half."""
    per_rank = plan.batch_size // WORLD
    xs = [plan.x[r * per_rank:(r + 1) * per_rank] for r in range(WORLD)]
    ys = [plan.y[r * per_rank:(r + 1) * per_rank] for r in range(WORLD)]
    return xs, ys


# ----------------------------------------------------------------------------- the oracle


def tanh_mlp(state: dict) -> nn.Module:
    """The jobs' network, here in the grading process (the probes build it with ``mlp`` too)."""
    return mlp(state, nn.Tanh())


def shard_orders(n: int, seed: int, epoch: int) -> list[list[int]]:
    """The sample order of every rank in an epoch, as DistributedSampler deals it."""
    orders = []
    for rank in range(WORLD):
        sampler = DistributedSampler(range(n), num_replicas=WORLD, rank=rank, shuffle=True,
                                     seed=seed)
        sampler.set_epoch(epoch)
        orders.append(list(sampler))
    return orders


def shuffled_passes(n: int, seed: int, epochs: int) -> list:
    """[epoch][rank] -> sample order, when every epoch tells the sampler its number."""
    return [shard_orders(n, seed, epoch) for epoch in range(epochs)]


@dataclass(frozen=True)
class Trained:
    params: list  # as data
    state: dict  # as data, keyed like the plain module's state dict
    losses: list[float]  # mean loss per sample, per pass over the data


def one_process(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, batch_size: int,
                lr: float, passes: list) -> Trained:
    """PyTorch's own DDP oracle: one process, each step on the batch both ranks take together.

    ``passes[e][r]`` is the order in which rank r saw the samples in pass e; a step takes the
    next ``batch_size // WORLD`` samples of every rank's order.
    """
    per_rank = batch_size // WORLD
    params = list(model.parameters())
    losses = []
    for orders in passes:
        total = 0.0
        for start in range(0, len(orders[0]), per_rank):
            index = torch.tensor([i for o in orders for i in o[start:start + per_rank]])
            out = model(x[index])
            grads = torch.autograd.grad(F.mse_loss(out, y[index]), params)
            with torch.no_grad():  # plain SGD, by hand
                for param, grad in zip(params, grads, strict=True):
                    param.add_(grad, alpha=-lr)
            total += F.mse_loss(out, y[index], reduction="none").mean(dim=1).sum().item()
        losses.append(total / sum(len(o) for o in orders))
    return Trained(params=as_data([p.detach() for p in model.parameters()]),
                   state=as_data(dict(model.state_dict())), losses=losses)


@oracle
def trained_on(state: dict, x: torch.Tensor, y: torch.Tensor, batch_size: int, lr: float,
               passes: list) -> Trained:
    """``one_process`` from the jobs' network with the weights ``state``."""
    return one_process(tanh_mlp(state), x, y, batch_size=batch_size, lr=lr, passes=passes)


@oracle
def one_step(state: dict, x: torch.Tensor, y: torch.Tensor) -> tuple[list, list]:
    """The parameters ``state`` gives the jobs' network, and their gradients on the batch
    ``x, y``: what every rank of the wrap job must hold after one backward pass."""
    model = tanh_mlp(state)
    F.mse_loss(model(x), y).backward()
    return (as_data([p.detach() for p in model.parameters()]),
            as_data([p.grad for p in model.parameters()]))


@oracle
def under_torchrun(given: dict, config: dict) -> Trained:
    """What ``main(config)`` must reach under torchrun, from the model and the data that its
    given functions build (``probe_given``: the same network as the jobs', seeded)."""
    return trained_on(given["state"], given["x"], given["y"], config["batch_size"],
                      config["lr"], shuffled_passes(config["samples"], config["seed"],
                                                    config["epochs"]))


def trained(plan: Plan, passes: list) -> Trained:
    """The train job's oracle, for the passes given."""
    return trained_on(plan.state, plan.x, plan.y, plan.batch_size, plan.lr, passes)


def wrapped(plan: Plan) -> tuple[list, list]:
    """The wrap job's oracle: the ranks' two halves are one batch."""
    return one_step(plan.state, *map(torch.cat, halves(plan)))


def torchrun_trained(ref, plan: Plan) -> Trained:
    """The torchrun job's oracle, from the model and data that the reference's given
    functions build from the config."""
    found = ref.run(probe_given, plan.config["seed"], plan.config["samples"])
    given = {"state": {k: v.values for k, v in found["state"].items()},
             "x": found["x"].values, "y": found["y"].values}
    return under_torchrun(given, plan.config)


def expected_for(ref, plan: Plan, shuffled: list) -> None:
    """Compute, while the ranks work, the oracles a correct submission's checks read: the
    same calls as theirs, so the checks find them kept."""
    trained(plan, shuffled)
    wrapped(plan)
    torchrun_trained(ref, plan)


def recorded_passes(found: list[dict], plan: Plan) -> list | None:
    """The passes the ranks really made over their shards, when they are consistent."""
    orders = [rec.get("orders") for rec in found]
    if not all(isinstance(o, list) for o in orders) or len({len(o) for o in orders}) != 1:
        return None
    passes = [list(p) for p in zip(*orders, strict=True)]
    for orders_of_pass in passes:
        if len({len(o) for o in orders_of_pass}) != 1 or not all(
                isinstance(i, int) and 0 <= i < len(plan.x) for o in orders_of_pass for i in o):
            return None
    return passes


def replayed(found: list[dict], plan: Plan, shuffled: list) -> tuple[list, Trained]:
    """One process on the batches the ranks really took, so a shuffling mistake counts once."""
    passes = recorded_passes(found, plan) or shuffled
    return passes, trained(plan, passes)


def losses_seen(found: list[dict], plan: Plan, passes: list) -> list[float] | None:
    """Each pass's mean loss per sample over both ranks, from the outputs the model really gave.

    The logged loss is judged against what the ranks computed, so a training mistake does not
    also count as a logging mistake. None when the outputs do not line up with the batches.
    """
    per_rank = plan.batch_size // WORLD
    outputs = [rec.get("outputs") for rec in found]
    if not all(isinstance(o, list) for o in outputs):
        return None
    losses, cursor = [], [0] * WORLD
    for orders in passes:
        total = 0.0
        for rank, order in enumerate(orders):
            for start in range(0, len(order), per_rank):
                index = order[start:start + per_rank]
                if cursor[rank] >= len(outputs[rank]):
                    return None
                out = outputs[rank][cursor[rank]]
                cursor[rank] += 1
                if not isinstance(out, TensorData) or out.values is None or \
                        out.shape != (len(index), plan.y.shape[1]):
                    return None
                diff = out.values.double() - plan.y[index].double()
                total += diff.pow(2).mean(dim=1).sum().item()
        losses.append(total / sum(len(o) for o in orders))
    return losses if cursor == [len(o) for o in outputs] else None


# ----------------------------------------------------------------------------- probes (sandbox)


@probe_helper
def job_group(m, timeout_s):
    """Each rank joins with the learner's setup, proves the group with one all_reduce, and
    leaves with the learner's cleanup (after a trusted join if setup did not join)."""
    from datetime import timedelta

    import torch
    import torch.distributed as dist

    from torchdojo.sandbox.ranks import Work

    def joined():
        if not dist.is_initialized():
            return {"initialized": False}
        state = {"initialized": True, "rank": dist.get_rank(),
                 "world_size": dist.get_world_size(), "backend": str(dist.get_backend())}
        try:  # private, so optional: the timeout the group was given
            backend = dist.group.WORLD._get_backend(torch.device("cpu"))
            state["timeout"] = backend.options._timeout.total_seconds()
        except Exception:
            state["timeout"] = None
        try:
            total = torch.tensor([dist.get_rank() + 1.0])
            dist.all_reduce(total)
            state["sum"] = total.item()
        except Exception as exc:
            state["sum"] = f"{type(exc).__name__}: {exc}"[:300]
        return state

    def rank_main(rank):
        _, error = rank.attempt(m.setup, rank.rank, rank.world_size, rank.url("setup"),
                                timedelta(seconds=timeout_s))
        rank.record("setup", error=error, **({} if error else joined()))
        if not dist.is_initialized():
            rank.join("cleanup")
        _, error = rank.attempt(m.cleanup)
        rank.record("cleanup", error=error, initialized=dist.is_initialized())

    return Work(rank_main, group_timeout=timeout_s)


@probe_helper
def job_loader(m, n, batch_size, seed):
    """Each rank makes its loader over the dataset 0..n-1 and lists one epoch's batches."""
    import torch
    from torch.utils.data import TensorDataset

    from torchdojo.sandbox.ranks import Work

    def rank_main(rank):
        rank.join("loader")
        loader, error = rank.attempt(m.make_loader, TensorDataset(torch.arange(n)), batch_size,
                                     seed)
        batches = None
        if error is None:
            batches, error = rank.attempt(
                lambda: [torch.as_tensor(batch[0]).reshape(-1).tolist() for batch in loader])
        rank.record("loader", error=error, batches=batches)

    return Work(rank_main)


@probe_helper(uses=[mlp])
def job_wrap(m, states, xs, ys, devices, backend=None, timeout_s=5.0):
    """Each rank builds its model (different weights per rank), wraps it with the learner's
    wrap on its device, and runs one forward and backward on its half of a batch. With a
    `backend` (nccl), the ranks join with the learner's setup and leave with its cleanup;
    without one, they join a trusted gloo group."""
    from datetime import timedelta

    import torch
    import torch.nn.functional as F

    from torchdojo.sandbox.ranks import Work

    def rank_main(rank):
        device = torch.device(devices[rank.rank])
        if device.type == "cuda":
            torch.cuda.set_device(device)
        state = states[rank.rank]
        model = mlp(state, torch.nn.Tanh())

        def step():
            if backend:
                m.setup(rank.rank, rank.world_size, rank.url("wrap"),
                        timedelta(seconds=timeout_s), backend=backend)
            wrapped = m.wrap(model, device)
            if not isinstance(wrapped, torch.nn.Module):
                return {"type": type(wrapped).__name__}
            params = [p.detach().cpu().clone() for p in wrapped.parameters()]
            F.mse_loss(wrapped(xs[rank.rank].to(device)), ys[rank.rank].to(device)).backward()
            grads = [None if p.grad is None else p.grad.detach().cpu().clone()
                     for p in wrapped.parameters()]
            if backend:
                m.cleanup()
            return {"type": type(wrapped).__name__, "params": params, "grads": grads}

        if not backend:
            rank.join("wrap")
        found, error = rank.attempt(step)
        rank.record("wrap", error=error, **(found or {}))

    return Work(rank_main, group_timeout=timeout_s)


@probe_helper
def job_metric(m, totals, counts):
    """Each rank calls the learner's global_mean with its own total and count."""
    from torchdojo.sandbox.ranks import Work

    def rank_main(rank):
        rank.join("metric")
        value, error = rank.attempt(m.global_mean, totals[rank.rank], counts[rank.rank])
        rank.record("global_mean", error=error, value=value)

    return Work(rank_main)


@probe_helper(uses=[mlp])
def job_train(m, state, x, y, batch_size, epochs, lr, seed):
    """Each rank gets a trusted DDP model, loader, optimizer and global_mean; the learner's train
    runs the epochs. The sampler records every pass's order, a hook every output of the model,
    and the log every call."""
    import torch
    from torch.nn.parallel import DistributedDataParallel
    from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

    from torchdojo.sandbox.ranks import Work

    class RecordingSampler(DistributedSampler):
        def __iter__(self):
            order = list(super().__iter__())
            self.orders.append(order)
            return iter(order)

    def plain(value):
        if isinstance(value, torch.Tensor):
            return value.detach().cpu().clone()
        return value if isinstance(value, (bool, int, float)) else f"<{type(value).__name__}>"

    def rank_main(rank):
        calls = [0]

        def global_mean(total, count):  # trusted, a gather: its own check grades the
            calls[0] += 1               # learner's
            sums = rank.gather(f"global_mean-{calls[0]}", [float(total), float(count)])
            return sum(t for t, _ in sums) / sum(c for _, c in sums)

        m.global_mean = global_mean
        rank.join("train")
        model = mlp(state, torch.nn.Tanh())
        outputs = []
        model.register_forward_hook(lambda _, __, out: outputs.append(out.detach().clone()))
        ddp = DistributedDataParallel(model)
        dataset = TensorDataset(x, y)
        sampler = RecordingSampler(dataset, num_replicas=rank.world_size, rank=rank.rank,
                                   shuffle=True, seed=seed)
        sampler.orders = []
        loader = DataLoader(dataset, batch_size=batch_size // rank.world_size, sampler=sampler)
        optimizer = torch.optim.SGD(ddp.parameters(), lr=lr)
        logged = []
        def log(*args, **kwargs):
            logged.append([plain(a) for a in (*args, *kwargs.values())])

        _, error = rank.attempt(m.train, ddp, loader, optimizer, epochs, log)
        rank.record("train", error=error, orders=sampler.orders, logged=logged,
                    outputs=outputs, params=[p.detach().clone() for p in model.parameters()])

    return Work(rank_main)


@probe_helper(uses=[mlp])
def job_checkpoint(m, state):
    """Each rank saves a trusted DDP model with the learner's save_checkpoint, to a path of
    its own; afterwards the files show who wrote, and rank 0's file is read back."""
    import os
    import tempfile
    from pathlib import Path

    import torch
    from torch.nn.parallel import DistributedDataParallel

    from torchdojo.sandbox.ranks import Work

    folder = tempfile.mkdtemp(prefix="checkpoints-", dir=os.getcwd())
    paths = [str(Path(folder, f"rank{r}.pt")) for r in range(2)]

    def rank_main(rank):
        rank.join("checkpoint")
        model = mlp(state, torch.nn.Tanh())
        _, error = rank.attempt(m.save_checkpoint, DistributedDataParallel(model),
                                paths[rank.rank])
        rank.record("checkpoint", error=error)

    def read(path):
        try:
            saved = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:
            return f"unreadable: {type(exc).__name__}: {exc}"[:300]
        if not isinstance(saved, dict):
            return f"<{type(saved).__name__}>"
        return {str(k): v if isinstance(v, torch.Tensor) else f"<{type(v).__name__}>"
                for k, v in saved.items()}

    def finish(ranks):
        return {"ranks": ranks, "written": [os.path.exists(p) for p in paths],
                "saved": read(paths[0]) if os.path.exists(paths[0]) else None}

    return Work(rank_main, finish=finish)


@probe_helper
def job_torchrun(m, config):
    """Each rank runs the learner's main with the environment torchrun gives its workers. The
    other functions of the module are replaced by trusted ones, so only main is graded."""
    import os
    import tempfile
    from pathlib import Path

    import torch
    import torch.distributed as dist
    import torch.nn.functional as F
    from torch.nn.parallel import DistributedDataParallel
    from torch.utils.data import DataLoader, DistributedSampler

    from torchdojo.sandbox.ranks import Work

    folder = tempfile.mkdtemp(prefix="torchrun-", dir=os.getcwd())

    def setup(rank, world_size, init_method, timeout, backend="gloo"):
        dist.init_process_group(backend, init_method=init_method, rank=rank,
                                world_size=world_size, timeout=timeout)

    def wrap(model, device):
        return DistributedDataParallel(model)

    def make_loader(dataset, global_batch_size, seed):
        world = dist.get_world_size()
        sampler = DistributedSampler(dataset, world, dist.get_rank(), shuffle=True, seed=seed)
        return DataLoader(dataset, batch_size=global_batch_size // world, sampler=sampler)

    def train(model, loader, optimizer, epochs, log):
        for epoch in range(epochs):
            loader.sampler.set_epoch(epoch)
            total, count = 0.0, 0
            for x, y in loader:
                optimizer.zero_grad()
                loss = F.mse_loss(model(x), y)
                loss.backward()
                optimizer.step()
                total, count = total + loss.item() * len(x), count + len(x)
            mean = m.global_mean(total, count)
            if dist.get_rank() == 0:
                log(epoch, mean)

    def save_checkpoint(model, path):
        if dist.get_rank() == 0:
            torch.save(model.module.state_dict(), path)
        dist.barrier()

    def rank_main(rank):
        os.environ.update(rank.torchrun_env())  # the job's own: put back when it is over
        calls = [0]

        def global_mean(total, count):  # trusted code's own gather, like job_train's
            calls[0] += 1
            sums = rank.gather(f"global_mean-{calls[0]}", [float(total), float(count)])
            return sum(t for t, _ in sums) / sum(c for _, c in sums)

        trusted = {"setup": setup, "cleanup": dist.destroy_process_group, "wrap": wrap,
                   "make_loader": make_loader, "global_mean": global_mean, "train": train,
                   "save_checkpoint": save_checkpoint}
        for name, fn in trusted.items():
            setattr(m, name, fn)
        logged = []
        ours = dict(config, checkpoint=str(Path(folder, f"rank{rank.rank}.pt")))
        _, error = rank.attempt(m.main, ours, lambda epoch, loss: logged.append([epoch, loss]))
        rank.record("main", error=error, logged=logged, left=not dist.is_initialized())

    def finish(ranks):
        paths = [Path(folder, f"rank{r}.pt") for r in range(2)]
        saved = None
        if paths[0].exists():
            try:
                saved = dict(torch.load(paths[0], map_location="cpu", weights_only=True))
            except Exception as exc:
                saved = f"unreadable: {type(exc).__name__}: {exc}"[:300]
        return {"ranks": ranks, "written": [p.exists() for p in paths], "saved": saved}

    return Work(rank_main, finish=finish)


def probe_given(m, seed, samples):
    """The model and the data that main builds from its config, with the given functions."""
    import torch

    with torch.random.fork_rng(devices=[]):  # make_model seeds the global generator
        model = m.make_model(seed)
    x, y = m.make_dataset(seed, samples).tensors
    return {"state": dict(model.state_dict()), "x": x, "y": y}


@probe(uses=[job_wrap])
def probe_wrap(m, states, xs, ys, devices, backend=None, timeout_s=5.0):
    """One wrap job alone (the GPU checks): see job_wrap."""
    from torchdojo.sandbox.ranks import run_jobs

    return run_jobs({"wrap": job_wrap(m, states, xs, ys, devices, backend, timeout_s)},
                    crews=1, module=m)["wrap"]


@probe(uses=[job_group, job_loader, job_wrap, job_metric, job_train, job_checkpoint,
             job_torchrun])
def probe_jobs(m, jobs, crews):
    """The jobs of ``jobs`` ({name: arguments}) on ``crews`` crews of ranks, side by side, each
    running its share of the jobs one after the other (``ranks.run_jobs``). A job's records are
    its own: the ranks put back what a job changed, and after a job that went wrong the next
    one starts on fresh ranks."""
    from contextlib import ExitStack

    from torchdojo.sandbox.ranks import run_jobs

    makers = {"group": job_group, "loader": job_loader, "wrap": job_wrap, "metric": job_metric,
              "train": job_train, "checkpoint": job_checkpoint, "torchrun": job_torchrun}
    works = {}
    with ExitStack() as made:  # a job that cannot be made: the ones made before are closed
        for name, args in jobs.items():
            works[name] = makers[name](m, *args)
            made.callback(works[name].close)
        made.pop_all()
    return run_jobs(works, crews=crews, module=m)


# ----------------------------------------------------------------------------- reading the jobs


def loader_batches(job, learner) -> list[list[list[int]]]:
    """Every rank's batches (sample indices) from one epoch of the learner's loader."""
    batches = [rec.get("batches") for rec in rank_records(job, "loader", learner, "make_loader")]
    per_rank(batches, "batches")
    return batches


def per_rank(values: list, what: str) -> None:
    """Fail unless every rank recorded the same kind of value (guards malformed records)."""
    for rank, value in enumerate(values):
        if value is None:
            raise Mismatch(f"rank {rank} recorded no {what}", prop="values")


# ----------------------------------------------------------------------------- fixtures


@shared
def plan(seed):
    return draw_plan(seed)


@shared
def shuffled(plan):
    return shuffled_passes(len(plan.x), plan.seed, plan.epochs)


@shared
def jobs(learner, ref, plan, shuffled):
    """Every job on the CPU, side by side (``probe_jobs``); each check reads its own. The
    oracles are computed meanwhile."""
    if not hasattr(os, "fork"):  # Windows: sandboxes are spawned, and ranks are forks
        pytest.skip("the ranks are forks of the sandbox, and this system cannot fork")
    xs, ys = halves(plan)
    arguments = {  # the longest first, dealt to the crews in turn: crews of even length
        "torchrun": [plan.config],
        "train": [plan.state, plan.x, plan.y, plan.batch_size, plan.epochs, plan.lr, plan.seed],
        "wrap": [[plan.state, plan.other], xs, ys, ["cpu"] * WORLD],
        "checkpoint": [plan.state],
        "group": [GROUP_TIMEOUT],
        "loader": [len(plan.x), plan.batch_size, plan.seed],
        "metric": [list(plan.totals), list(plan.counts)],
    }
    turns = math.ceil(len(arguments) / CREWS)  # every job may run to its deadline
    sent = learner.send_run(probe_jobs, arguments, CREWS, timeout=DEADLINE * turns + 10,
                            label="the distributed jobs (setup, make_loader, wrap, global_mean, "
                                  "train, save_checkpoint, main)")
    found, _ = alongside(sent, lambda: expected_for(ref, plan, shuffled))
    return found


@shared
def group_job(jobs):
    return jobs["group"]


@shared
def loader_job(jobs):
    return jobs["loader"]


@shared
def train_job(jobs):
    return jobs["train"]


@shared
def checkpoint_job(jobs):
    return jobs["checkpoint"]


# ----------------------------------------------------------------------------- checks


@check(points=2, concept="joining a process group", hints=[
    "Every rank calls the same set-up with its own rank; together they form one group.",
    "init_process_group needs the backend, where to meet (init_method), this rank, how many "
    "ranks there are, and a timeout so that a stuck collective fails instead of hanging.",
    "dist.init_process_group(backend, init_method=init_method, rank=rank, "
    "world_size=world_size, timeout=timeout)",
], docs=MANUAL + "distributed.html#torch.distributed.init_process_group")
def setup_joins_the_group(learner, group_job):
    states = rank_records(group_job, "setup", learner, "setup")
    for rank, state in enumerate(states):
        expect_true(state.get("initialized") is True, f"on rank {rank} left no process group",
                    "setup must call dist.init_process_group; afterwards "
                    "dist.is_initialized() is True.")
        got = {k: state.get(k) for k in ("rank", "world_size", "backend")}
        expect(got, {"rank": rank, "world_size": WORLD, "backend": "gloo"},
               name=f"setup on rank {rank}: the group's", advice={
                   "['rank']": "Pass rank=rank: each process is one rank of the group.",
                   "['world_size']": "Pass world_size=world_size: all ranks give the same count.",
                   "['backend']": "Use the backend you are given (gloo on CPU)."})
        if state.get("timeout") is not None:
            expect(state["timeout"], GROUP_TIMEOUT, name=f"setup on rank {rank}: the timeout "
                   "(seconds)", advice="Pass timeout=timeout to init_process_group; the default "
                   "waits 30 minutes in a collective that another rank never enters.")
        total = state.get("sum")
        expect_true(total == sum(range(1, WORLD + 1)),
                    f"on rank {rank}: an all_reduce of rank + 1 over the group gave {total!r}, "
                    f"not {sum(range(1, WORLD + 1))}",
                    "The ranks did not form one group: all of them meet at init_method.")


@check(points=1, concept="tearing a process group down", hints=[
    "A process that joined a group should leave it before it ends.",
    "destroy_process_group() frees the group's connections; afterwards dist.is_initialized() "
    "is False and the process may join a new group.",
    "dist.destroy_process_group()",
], docs=MANUAL + "distributed.html#torch.distributed.destroy_process_group")
def cleanup_leaves_the_group(learner, group_job):
    for rank, state in enumerate(rank_records(group_job, "cleanup", learner, "cleanup")):
        expect_true(state.get("initialized") is False,
                    f"on rank {rank} left the process group in place",
                    "Call dist.destroy_process_group(): the group must be gone after cleanup().")


@check(points=2, concept="DistributedSampler gives each rank its own shard", hints=[
    "With two ranks, each should see half of the data, and no sample twice in an epoch.",
    "A DataLoader with shuffle=True gives every rank the whole dataset. DistributedSampler "
    "deals each rank its shard, shuffled from the seed (so every rank agrees on the order); "
    "do not pass shuffle= to the DataLoader as well.",
    "DataLoader(dataset, batch_size=..., sampler=DistributedSampler(dataset, "
    "num_replicas=world_size, rank=rank, shuffle=True, seed=seed))",
], docs=MANUAL + "data.html#torch.utils.data.distributed.DistributedSampler")
def sampler_gives_each_rank_its_shard(learner, loader_job, plan):
    batches = loader_batches(loader_job, learner)
    seen = [[i for batch in b for i in batch] for b in batches]
    want = shard_orders(len(plan.x), plan.seed, 0)
    for rank, order in enumerate(seen):
        expect_true(len(order) == len(want[rank]),
                    f"on rank {rank} gave {len(order)} samples in an epoch; each of the "
                    f"{WORLD} ranks should get its shard of {len(want[rank])} "
                    f"({len(plan.x)} samples in all)",
                    "Shard the data with a DistributedSampler: without one every rank reads "
                    "the whole dataset.")
    overlap = sorted(set(seen[0]) & set(seen[1]))
    expect_true(not overlap, f"gave both ranks samples {overlap[:5]}: the shards overlap",
                "Pass rank= and num_replicas= to the DistributedSampler (read them from the "
                "process group) so each rank gets a different shard.")
    for rank in range(WORLD):
        expect(seen[rank], want[rank], name=f"make_loader on rank {rank}: the sample order",
               advice="Shuffle with the DistributedSampler (shuffle=True, seed=seed): every "
                      "rank must derive its order from the same seed.")


@check(points=1, concept="per-rank batch size", hints=[
    "The global batch size counts the samples of all ranks together.",
    "Each rank takes global_batch_size // world_size samples per step, so the ranks together "
    "take one global batch; giving each rank the global size doubles the effective batch.",
    "DataLoader(dataset, batch_size=global_batch_size // dist.get_world_size(), sampler=...)",
], docs=MANUAL + "data.html#torch.utils.data.distributed.DistributedSampler")
def batch_size_is_per_rank(learner, loader_job, plan):
    batches = loader_batches(loader_job, learner)
    size = plan.batch_size // WORLD
    for rank, found in enumerate(batches):
        sizes = [len(b) for b in found]
        expect_true(bool(sizes) and all(s == size for s in sizes[:-1]) and 0 < sizes[-1] <= size,
                    f"on rank {rank} gave batches of {sizes} samples; with a global batch of "
                    f"{plan.batch_size} and {WORLD} ranks each batch holds {size} (the last "
                    "may be smaller)",
                    "batch_size is per rank: global_batch_size // world_size.")


@check(points=3, concept="DDP averages gradients across ranks", hints=[
    "Give each rank half of a batch: after backward(), every rank should hold the gradient "
    "of the whole batch.",
    "DistributedDataParallel copies rank 0's parameters to every rank when it is built and "
    "all-reduces gradients during backward(). A bare model, or a CPU model with device_ids, "
    "does not.",
    "return DDP(model)  (on a GPU: DDP(model.to(device), device_ids=[device.index]))",
], docs=PAGES + "torch.nn.parallel.DistributedDataParallel.html")
def wrap_averages_gradients(learner, jobs, plan):
    check_wrap(jobs["wrap"], learner, plan)


def check_wrap(ranks, learner, plan) -> None:
    found = rank_records(ranks, "wrap", learner, "wrap")
    want_params, want_grads = wrapped(plan)
    for rank, rec in enumerate(found):
        expect_true(rec.get("params") is not None,
                    f"returned a {rec.get('type')} on rank {rank}, not a module",
                    "Return the DistributedDataParallel wrapper around the model.")
        expect(rec["params"], want_params, name=f"wrap on rank {rank}: the parameters",
               grad=False, advice="Every rank must start from rank 0's weights: building "
               "DistributedDataParallel(model) broadcasts them. Wrap the model you are given.")
    for rank, rec in enumerate(found):
        expect(rec.get("grads"), want_grads, name=f"wrap on rank {rank}: the gradients",
               grad=False, **TOL, advice="After backward() each rank must hold the gradient of "
               "the whole batch (the average of the ranks' gradients): return "
               "DistributedDataParallel(model), whose backward() all-reduces them.")


@check(points=2, concept="all_reduce gives every rank the global value", hints=[
    "Each rank holds only its own sum and count; the mean over all ranks needs both ranks' "
    "numbers.",
    "dist.all_reduce(t) adds t over all ranks in place, and every rank gets the sum. Reduce "
    "the sums and the counts, then divide: a mean of the ranks' means is wrong when counts "
    "differ. Gloo has no AVG.",
    "t = torch.tensor([total, count], dtype=torch.float64); dist.all_reduce(t); "
    "return (t[0] / t[1]).item()",
], docs=MANUAL + "distributed.html#torch.distributed.all_reduce")
def global_mean_all_reduces(learner, jobs, plan):
    found = rank_records(jobs["metric"], "global_mean", learner, "global_mean")
    want = sum(plan.totals) / sum(plan.counts)
    for rank, rec in enumerate(found):
        learner.last_call = (f"global_mean({plan.totals[rank]}, {plan.counts[rank]}) "
                             f"on rank {rank}")
        expect(rec.get("value"), want, **TOL, advice={
            "type": "Return a Python float: .item() turns a 0-d tensor into one.",
            "values": "Every rank must return sum(totals) / sum(counts) over all ranks: "
                      "all_reduce the total and the count (SUM), then divide."})


@check(points=1, concept="set_epoch reshuffles every epoch", hints=[
    "Look at the order in which a rank sees its samples in epoch 0 and in epoch 1.",
    "DistributedSampler shuffles from seed + epoch, and it only learns the epoch from "
    "set_epoch(); without it every epoch repeats the first one's order.",
    "loader.sampler.set_epoch(epoch) at the start of every epoch",
], docs=MANUAL + "data.html#torch.utils.data.distributed.DistributedSampler")
def each_epoch_reshuffles(learner, train_job, plan, shuffled):
    found = rank_records(train_job, "train", learner, "train")
    per_rank([rec.get("orders") for rec in found], "sample orders")
    for rank, rec in enumerate(found):
        orders = rec["orders"]
        expect_true(len(orders) == plan.epochs,
                    f"on rank {rank} went through the data {len(orders)} times in "
                    f"{plan.epochs} epochs", "Iterate over the loader once per epoch.")
        for epoch in range(1, plan.epochs):
            expect_true(orders[epoch] != orders[0] or
                        shuffled[epoch][rank] == shuffled[0][rank],
                        f"on rank {rank} saw the samples of epoch {epoch} in epoch 0's order",
                        "Call loader.sampler.set_epoch(epoch) before each epoch; otherwise "
                        "DistributedSampler deals the same order every epoch.")
        expect(orders, [shuffled[e][rank] for e in range(plan.epochs)],
               name=f"train on rank {rank}: the sample order per epoch",
               advice="Tell the sampler the epoch number itself (0, 1, ...) before each epoch.")


@check(points=3, concept="two ranks on half batches = one process on the full batch", hints=[
    "After training, both ranks should hold exactly the weights one process would reach on "
    "the whole data.",
    "Only a forward through the DDP wrapper itself synchronises gradients in backward(); "
    "model.module(x) trains each rank alone, and the copies drift apart.",
    "loss = F.mse_loss(model(x), y); loss.backward(); optimizer.step()",
], docs=MANUAL + "notes/ddp.html")
def training_matches_one_process(learner, train_job, plan, shuffled):
    found = rank_records(train_job, "train", learner, "train")
    _, want = replayed(found, plan, shuffled)
    for rank, rec in enumerate(found):
        expect(rec.get("params"), want.params, grad=False, **TOL,
               name=f"train on rank {rank}: the parameters after training", advice=(
                   "The ranks did not train as one model: call the DDP model itself "
                   "(model(x), not model.module(x)) with F.mse_loss, and step after every "
                   "batch."))


@check(points=2, concept="metrics are all-reduced before rank 0 logs them", hints=[
    "Rank 0 only saw half of the samples; the loss it logs should cover all of them.",
    "Sum loss.item() * len(x) and the sample count over the epoch on every rank, combine them "
    "with an all_reduce (global_mean) on every rank, then log on rank 0.",
    "mean = global_mean(total, count); if dist.get_rank() == 0: log(epoch, mean)",
], docs=MANUAL + "distributed.html#torch.distributed.all_reduce")
def rank0_logs_the_global_loss(learner, train_job, plan, shuffled):
    found = rank_records(train_job, "train", learner, "train")
    passes, trained = replayed(found, plan, shuffled)
    want = losses_seen(found, plan, passes) or trained.losses
    logged = found[0].get("logged") or []
    values = [entry[-1] for entry in logged if isinstance(entry, list) and entry]
    expect_true(len(values) == len(want),
                f"logged {len(values)} values on rank 0 in {len(want)} epochs",
                "Rank 0 calls log(epoch, loss) once after every epoch.")
    learner.last_call = "train: the losses rank 0 logged"
    expect(values, want, **TOL, advice={
        "type": "Log each epoch's loss as a Python float.",
        "values": "Log the mean loss per sample over all ranks: sum loss.item() * len(x) and "
                  "the count on each rank and combine them with global_mean before logging; "
                  "rank 0's own mean covers only its shard."})


@check(points=1, concept="only rank 0 logs", hints=[
    "Count the log lines: one per epoch, not one per epoch per rank.",
    "Every rank computes the same global value; only rank 0 should report it.",
    "if dist.get_rank() == 0: log(epoch, mean)",
], docs=MANUAL + "distributed.html#torch.distributed.get_rank")
def only_rank0_logs(learner, train_job, plan):
    found = rank_records(train_job, "train", learner, "train")
    per_rank([rec.get("logged") for rec in found], "log calls")
    expect_true(not found[1]["logged"], f"logged {len(found[1]['logged'])} times on rank 1",
                "Guard the log call with `if dist.get_rank() == 0:` (keep the all_reduce "
                "outside it).")
    epochs = [entry[0] for entry in found[0]["logged"] if isinstance(entry, list) and entry]
    expect(epochs, list(range(plan.epochs)), name="train: the epochs rank 0 logged",
           advice="Rank 0 calls log(epoch, loss) once after every epoch, epoch counting from 0.")


@check(points=1, concept="only rank 0 writes the checkpoint", hints=[
    "Every rank holds the same weights; how many copies of the file do you need?",
    "Check the rank before saving, so rank 1 does not write (or overwrite) the file. A "
    "barrier after saving is fine, but every rank must reach it.",
    "if dist.get_rank() == 0: torch.save(model.module.state_dict(), path)",
], docs=TUTORIALS + "intermediate/ddp_tutorial.html")
def only_rank0_saves(learner, checkpoint_job):
    rank_records(checkpoint_job, "checkpoint", learner, "save_checkpoint")
    written = job_part(checkpoint_job, "written")
    expect_true(written == [True, False],
                f"wrote the file on ranks {ranks_that_wrote(written)}; "
                "only rank 0 should write it",
                "Save on rank 0 only: if dist.get_rank() == 0: torch.save(...).")


@check(points=2, concept="save model.module.state_dict()", hints=[
    "Load your checkpoint into a plain, unwrapped model with strict=True: does it fit?",
    "The DDP wrapper keeps the model under .module, so its own state dict prefixes every key "
    "with 'module.'. Save the inner model's state dict.",
    "torch.save(model.module.state_dict(), path)",
], docs=PAGES + "torch.nn.parallel.DistributedDataParallel.html")
def checkpoint_holds_module_state(learner, checkpoint_job, plan):
    rank_records(checkpoint_job, "checkpoint", learner, "save_checkpoint")
    saved = job_part(checkpoint_job, "saved")
    learner.last_call = "the checkpoint rank 0 saved"
    expect_true(saved is not None, "does not exist: rank 0 wrote no file at the path it got",
                "Rank 0 saves with torch.save(model.module.state_dict(), path).")
    want = as_data(plan.state)
    if isinstance(saved, str):
        raise Mismatch(f"is not a readable state dict ({saved})",
                       "Save with torch.save(model.module.state_dict(), path).", prop="type")
    if isinstance(saved, dict) and set(saved) != set(want):
        keys = sorted(saved)[:4]
        raise Mismatch(f"has keys {keys}, but the plain model's are {sorted(want)}",
                       "Save model.module.state_dict(): the DDP wrapper's own state dict "
                       "prefixes every key with 'module.', so it does not load into the "
                       "unwrapped model.", prop="keys")
    expect(saved, want, advice={"type": "Save the state dict itself (a dict of tensors), not "
                                        "the model or a wrapper around it."})


@check(points=3, concept="running under torchrun (env://)", hints=[
    "torchrun starts the processes for you and tells each one its rank through environment "
    "variables.",
    "Read RANK and WORLD_SIZE from os.environ (or let init_method='env://' read them with "
    "MASTER_ADDR and MASTER_PORT), do not spawn processes yourself, and destroy the group at "
    "the end.",
    "setup(int(os.environ['RANK']), int(os.environ['WORLD_SIZE']), 'env://', timeout)",
], docs=MANUAL + "elastic/run.html")
def runs_under_torchrun(learner, ref, jobs, plan):
    job = jobs["torchrun"]
    found = rank_records(job, "main", learner, "main")
    want = torchrun_trained(ref, plan)
    learner.last_call = "main under torchrun"
    for rank, rec in enumerate(found):
        expect_true(rec.get("left") is True, f"left rank {rank} in the process group",
                    "Leave the group at the end of main (cleanup()).")
    written = job_part(job, "written")
    expect_true(written == [True, False],
                f"wrote the checkpoint on ranks "
                f"{ranks_that_wrote(written)}; expected rank 0",
                "Join the group with the rank torchrun gives each process (RANK), and save "
                "with save_checkpoint(model, config['checkpoint']).")
    expect(job_part(job, "saved"), want.state, **TOL, name="the checkpoint main saved", advice=(
        "Build the model and data from config as the docstring says, wrap the model, and "
        "train with the config's batch size, learning rate and epochs."))
    expect([e[-1] for e in found[0].get("logged") or [] if isinstance(e, list) and e],
           want.losses, **TOL, name="the losses main logged on rank 0",
           advice="Pass `log` on to train.")


@check(points=2, concept="DDP on a GPU", requires="cuda", hints=[
    "On a GPU, the model and the batch must live on the rank's device.",
    "Move the model to `device` before wrapping and pass device_ids=[device.index]; the "
    "wrapper then averages gradients as on the CPU.",
    "DDP(model.to(device), device_ids=[device.index])",
], docs=PAGES + "torch.nn.parallel.DistributedDataParallel.html")
def cuda_wrap_averages_gradients(learner, plan):
    xs, ys = halves(plan)
    ranks = learner.run(probe_wrap, [plan.state, plan.other], xs, ys, ["cuda:0"] * WORLD)
    check_wrap(ranks, learner, plan)


@check(points=2, concept="nccl on two GPUs", requires="cuda", hints=[
    "nccl is the backend for GPUs: one GPU per rank.",
    "Pass the backend you are given to init_process_group, and wrap the model on the rank's "
    "own GPU (device_ids=[device.index]).",
    "dist.init_process_group(backend, ...); DDP(model.to(device), device_ids=[device.index])",
], docs=MANUAL + "distributed.html#backends")
def nccl_on_two_gpus(learner, plan):
    if torch.cuda.device_count() < WORLD:
        pytest.skip(f"needs {WORLD} CUDA GPUs, this machine has {torch.cuda.device_count()}")
    xs, ys = halves(plan)
    ranks = learner.run(probe_wrap, [plan.state, plan.other], xs, ys,
                        [f"cuda:{r}" for r in range(WORLD)], "nccl", GROUP_TIMEOUT)
    check_wrap(ranks, learner, plan)
