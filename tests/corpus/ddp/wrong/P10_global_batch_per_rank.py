"""P10: each rank gets the global batch size, doubling the effective batch.

check: batch_size_is_per_rank
mentions: per-rank batch size; global_batch_size // world_size
"""
import torch.distributed as dist
from torch.utils.data import DataLoader, DistributedSampler


def make_loader(dataset, global_batch_size, seed):
    sampler = DistributedSampler(dataset, num_replicas=dist.get_world_size(),
                                 rank=dist.get_rank(), shuffle=True, seed=seed)
    return DataLoader(dataset, batch_size=global_batch_size, sampler=sampler)
