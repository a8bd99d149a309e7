"""Distributed data parallel (DDP) training with torch.distributed, on CPU.

DDP trains one model in several processes at once. Each process is a *rank*: it holds a full
copy of the model and trains on its own share of every batch. During ``backward()`` DDP averages
the gradients across the ranks, so every copy takes the same step: two ranks that each take
half of a batch end with the same parameters as one process that takes the whole batch.

The grader starts 2 ranks (processes) and calls your functions in each of them, on CPU with the
``gloo`` backend (and with ``nccl`` on machines with two GPUs). Inside a function, ask the
process group who you are: ``dist.get_rank()`` and ``dist.get_world_size()``.

*Collectives* (``all_reduce``, ``barrier``, the gradient averaging in a DDP ``backward()``)
only finish once every rank has entered them. A collective that only rank 0 enters waits for
the others until it times out. Put only side effects (logging, saving a file) under
``if rank == 0``, never the collective that computes what you log or save.

Fill in every function below; ``make_model``, ``make_dataset`` and ``print_metric`` are given.
Run ``torchdojo grade ddp`` to check your work and ``torchdojo hint ddp`` when you are stuck, and
run the whole script on 2 processes with ``torchrun --nproc_per_node 2 ddp.py``.
"""

# Some imports are only used by the code you write (noqa keeps the linter quiet until then).
import os
from collections.abc import Callable
from datetime import timedelta

import torch
import torch.distributed as dist  # noqa: F401
import torch.nn.functional as F  # noqa: F401
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, Dataset, DistributedSampler, TensorDataset  # noqa: F401


def setup(rank: int, world_size: int, init_method: str, timeout: timedelta,
          backend: str = "gloo") -> None:
    """Join the default process group as rank `rank` of `world_size` ranks.

    Use `backend` ("gloo" on CPU, "nccl" on GPUs), meet the other ranks at `init_method` (here a
    ``file://`` URL in a private folder, so no network port can clash), and pass `timeout`: a
    collective that the other ranks never enter then fails after `timeout` instead of waiting
    forever.
    """
    ### BEGIN SOLUTION
    dist.init_process_group(backend, init_method=init_method, rank=rank,
                            world_size=world_size, timeout=timeout)
    ### END SOLUTION


def cleanup() -> None:
    """Leave the process group: destroy it, so the process can exit cleanly or join another."""
    ### BEGIN SOLUTION
    dist.destroy_process_group()
    ### END SOLUTION


def wrap(model: nn.Module, device: torch.device) -> DDP:
    """Wrap `model` in DistributedDataParallel for training on `device`; return the wrapper.

    On the CPU, DDP takes no ``device_ids``. On a GPU, move the model to `device` first and pass
    ``device_ids=[device.index]``. Building the wrapper copies rank 0's parameters to every rank,
    and its ``backward()`` averages the gradients across ranks.
    """
    ### BEGIN SOLUTION
    if device.type == "cuda":
        return DDP(model.to(device), device_ids=[device.index])
    return DDP(model)
    ### END SOLUTION


def make_loader(dataset: Dataset, global_batch_size: int, seed: int) -> DataLoader:
    """Return a DataLoader that gives this rank its own shard of `dataset`, shuffled.

    Shard and shuffle with a ``DistributedSampler`` for this rank and world size (read them from
    the process group), seeded with `seed`. `global_batch_size` is the number of samples that
    all ranks take together in one step, so each rank's batches hold
    ``global_batch_size // world_size`` samples; keep the last, smaller batch of an epoch.
    """
    ### BEGIN SOLUTION
    world_size = dist.get_world_size()
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=dist.get_rank(),
                                 shuffle=True, seed=seed)
    return DataLoader(dataset, batch_size=global_batch_size // world_size, sampler=sampler)
    ### END SOLUTION


def global_mean(total: float, count: int) -> float:
    """Return the mean over all ranks, as a Python float, on every rank.

    This rank summed `total` over `count` samples; the result is the sum of every rank's total
    divided by the sum of every rank's count (ranks may hold different counts). It is a
    collective: every rank must call it.
    """
    ### BEGIN SOLUTION
    sums = torch.tensor([total, count], dtype=torch.float64)
    dist.all_reduce(sums, op=dist.ReduceOp.SUM)
    return (sums[0] / sums[1]).item()
    ### END SOLUTION


def train(model: DDP, loader: DataLoader, optimizer: torch.optim.Optimizer, epochs: int,
          log: Callable[[int, float], None]) -> None:
    """Train the DDP `model` for `epochs` epochs on this rank's batches from `loader`.

    Every step: zero the gradients, compute ``F.mse_loss(model(x), y)`` on the batch
    ``(x, y)``, call ``backward()`` and ``optimizer.step()``. Give every epoch its own shuffle:
    ``loader.sampler`` is a ``DistributedSampler``, which shuffles by epoch number, so tell it
    the epoch (0, 1, ...) before the epoch starts.

    After each epoch, rank 0, and only rank 0, calls ``log(epoch, loss)`` with the epoch's mean
    loss per sample over *all* ranks: each rank adds up ``loss.item() * len(x)`` over its
    batches and counts its samples, and ``global_mean`` combines the ranks.
    """
    ### BEGIN SOLUTION
    rank = dist.get_rank()
    for epoch in range(epochs):
        loader.sampler.set_epoch(epoch)
        total, count = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
            count += len(x)
        mean = global_mean(total, count)  # every rank takes part; only rank 0 logs
        if rank == 0:
            log(epoch, mean)
    ### END SOLUTION


def save_checkpoint(model: DDP, path: str) -> None:
    """Save the weights of the DDP `model` to `path` as a plain state dict; only rank 0 writes.

    Save the wrapped module's own state dict: its keys have no ``module.`` prefix, so the file
    loads into an unwrapped model with ``load_state_dict(..., strict=True)``. Every rank holds
    the same weights, so rank 0 alone writes the file. If you add a collective (a
    ``dist.barrier()`` so that the other ranks can read the file afterwards), every rank must
    enter it.
    """
    ### BEGIN SOLUTION
    if dist.get_rank() == 0:
        torch.save(model.module.state_dict(), path)
    dist.barrier()
    ### END SOLUTION


def make_model(seed: int) -> nn.Module:
    """The model every rank trains (given): a small MLP, initialised from `seed`."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))


def make_dataset(seed: int, samples: int) -> TensorDataset:
    """The data every rank loads (given): `samples` pairs ``(x, y)`` drawn from `seed`."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(samples, 4, generator=generator)
    y = torch.stack([x[:, 0] * x[:, 1], x[:, 2] - x[:, 3]], dim=1)
    return TensorDataset(x, y)


def print_metric(epoch: int, loss: float) -> None:
    """Log one epoch's loss (given)."""
    print(f"epoch {epoch}: loss {loss:.6f}", flush=True)


def main(config: dict, log: Callable[[int, float], None] = print_metric) -> None:
    """Train on every rank that ``torchrun --nproc_per_node 2 ddp.py`` starts.

    torchrun starts one process per rank and tells each process who it is through environment
    variables: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT. In each process:

    1. join the process group from those variables: ``setup`` with ``init_method="env://"``
       (and a timeout of your choice);
    2. build the model with ``make_model(config["seed"])`` and the data with
       ``make_dataset(config["seed"], config["samples"])``;
    3. wrap the model for the CPU, make the loader with
       ``make_loader(dataset, config["batch_size"], config["seed"])`` and an ``SGD`` optimizer
       over the wrapped model's parameters with ``lr=config["lr"]``;
    4. ``train`` for ``config["epochs"]`` epochs, passing `log` on;
    5. ``save_checkpoint`` to ``config["checkpoint"]``, then leave the group.
    """
    ### BEGIN SOLUTION
    setup(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), "env://",
          timedelta(seconds=60))
    model = wrap(make_model(config["seed"]), torch.device("cpu"))
    dataset = make_dataset(config["seed"], config["samples"])
    loader = make_loader(dataset, config["batch_size"], config["seed"])
    optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"])
    train(model, loader, optimizer, config["epochs"], log)
    save_checkpoint(model, config["checkpoint"])
    cleanup()
    ### END SOLUTION


CONFIG = {"seed": 0, "samples": 64, "batch_size": 16, "epochs": 3, "lr": 0.1,
          "checkpoint": "ddp_checkpoint.pt"}

if __name__ == "__main__" and "RANK" in os.environ:  # torchrun --nproc_per_node 2 ddp.py
    main(CONFIG)
