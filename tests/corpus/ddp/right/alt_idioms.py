"""Other idioms: keyword arguments, defaults read from the group, set_epoch at the end of an
epoch for the next one, zero_grad after step, tensor sums, no barrier after saving.
"""
import os
from datetime import timedelta

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler


def setup(rank, world_size, init_method, timeout, backend="gloo"):
    dist.init_process_group(backend=backend, init_method=init_method, world_size=world_size,
                            rank=rank, timeout=timeout)


def cleanup():
    if dist.is_initialized():
        dist.destroy_process_group()


def wrap(model, device):
    model = model.to(device)
    ids = [device.index] if device.type == "cuda" else None
    return DistributedDataParallel(model, device_ids=ids)


def make_loader(dataset, global_batch_size, seed):
    sampler = DistributedSampler(dataset, seed=seed)  # rank and world size from the group
    return DataLoader(dataset, sampler=sampler, drop_last=False,
                      batch_size=global_batch_size // sampler.num_replicas)


def global_mean(total, count):
    total_t = torch.tensor(float(total), dtype=torch.float64)
    count_t = torch.tensor(float(count), dtype=torch.float64)
    dist.all_reduce(total_t)
    dist.all_reduce(count_t)
    return float(total_t / count_t)


def train(model, loader, optimizer, epochs, log):
    loader.sampler.set_epoch(0)
    for epoch in range(epochs):
        total = torch.zeros((), dtype=torch.float64)
        count = 0
        for x, y in loader:
            loss = F.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            total += loss.detach().double() * x.shape[0]
            count += x.shape[0]
        loader.sampler.set_epoch(epoch + 1)  # the next epoch's shuffle
        mean = global_mean(total.item(), count)
        if dist.get_rank() == 0:
            log(epoch, mean)


def save_checkpoint(model, path):
    if dist.get_rank() == 0:
        torch.save(model.module.state_dict(), path)


def main(config, log=print_metric):  # noqa: F821  (given in the reference module)
    dist.init_process_group("gloo", timeout=timedelta(seconds=60))  # env:// by default
    rank = int(os.environ["LOCAL_RANK"])  # one node: the same as RANK
    model = wrap(make_model(config["seed"]), torch.device("cpu"))  # noqa: F821
    loader = make_loader(make_dataset(config["seed"], config["samples"]),  # noqa: F821
                         config["batch_size"], config["seed"])
    optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"])
    train(model, loader, optimizer, config["epochs"], log)
    save_checkpoint(model, config["checkpoint"])
    if rank >= 0:
        dist.destroy_process_group()
