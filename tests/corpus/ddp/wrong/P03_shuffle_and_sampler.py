"""P3: shuffle=True passed to the DataLoader next to a DistributedSampler.

check: sampler_gives_each_rank_its_shard
concept: samplers and shuffle
status: error
also: batch_size_is_per_rank
mentions: mutually exclusive; DistributedSampler
"""
import torch.distributed as dist
from torch.utils.data import DataLoader, DistributedSampler


def make_loader(dataset, global_batch_size, seed):
    sampler = DistributedSampler(dataset, seed=seed)
    return DataLoader(dataset, batch_size=global_batch_size // dist.get_world_size(),
                      sampler=sampler, shuffle=True)
