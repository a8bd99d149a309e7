"""P1: no DistributedSampler, so every rank reads (and shuffles) the whole dataset.

check: sampler_gives_each_rank_its_shard
mentions: DistributedSampler; shard
"""
import torch.distributed as dist
from torch.utils.data import DataLoader


def make_loader(dataset, global_batch_size, seed):
    return DataLoader(dataset, batch_size=global_batch_size // dist.get_world_size(),
                      shuffle=True)
