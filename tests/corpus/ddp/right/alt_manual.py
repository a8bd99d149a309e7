"""Other idioms: one all_reduce of a stacked tensor, an explicit ReduceOp, all_gather for the
metric, the module's state dict with its "module." prefix consumed, and main joining through
setup with the URL written out.
"""
import os
from datetime import timedelta

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.modules.utils import consume_prefix_in_state_dict_if_present
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler


def setup(rank, world_size, init_method, timeout, backend="gloo"):
    dist.init_process_group(backend, init_method, timeout, world_size, rank)


def cleanup():
    dist.destroy_process_group(dist.group.WORLD)


def wrap(model, device):
    if device.type == "cpu":
        return DDP(model)
    torch.cuda.set_device(device)
    return DDP(model.to(device), device_ids=[device.index], output_device=device.index)


def make_loader(dataset, global_batch_size, seed):
    world, rank = dist.get_world_size(), dist.get_rank()
    per_rank = global_batch_size // world
    sampler = DistributedSampler(dataset, world, rank, shuffle=True, seed=seed)
    return DataLoader(dataset, per_rank, sampler=sampler, num_workers=0)


def global_mean(total, count):
    mine = torch.tensor([total, count], dtype=torch.float64)
    every = [torch.zeros_like(mine) for _ in range(dist.get_world_size())]
    dist.all_gather(every, mine)
    sums = torch.stack(every).sum(dim=0)
    return sums[0].item() / sums[1].item()


def train(model, loader, optimizer, epochs, log):
    is_main = dist.get_rank() == 0
    for epoch in range(epochs):
        loader.sampler.set_epoch(epoch)
        losses, sizes = [], []
        for x, y in loader:
            optimizer.zero_grad()
            loss = F.mse_loss(model(x), y, reduction="mean")
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            sizes.append(len(y))
        total = sum(loss * size for loss, size in zip(losses, sizes, strict=True))
        mean = global_mean(total, sum(sizes))
        if is_main:
            log(epoch=epoch, loss=mean)


def save_checkpoint(model, path):
    state = model.state_dict()
    consume_prefix_in_state_dict_if_present(state, "module.")
    if dist.get_rank() == 0:
        torch.save(state, path)
    dist.barrier()


def main(config, log=print_metric):  # noqa: F821  (given in the reference module)
    url = f"tcp://{os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']}"
    setup(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), url, timedelta(seconds=60))
    try:
        model = wrap(make_model(config["seed"]), torch.device("cpu"))  # noqa: F821
        dataset = make_dataset(config["seed"], config["samples"])  # noqa: F821
        optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"])
        train(model, make_loader(dataset, config["batch_size"], config["seed"]), optimizer,
              config["epochs"], log)
        save_checkpoint(model, config["checkpoint"])
    finally:
        cleanup()
