"""P6: the all_reduce is under `if rank == 0`, so rank 0 waits for a partner that never comes.

check: global_mean_all_reduces
concept: collectives run on every rank
status: timeout
mentions: collective; every rank
"""
import torch
import torch.distributed as dist


def global_mean(total, count):
    sums = torch.tensor([total, count], dtype=torch.float64)
    if dist.get_rank() == 0:
        dist.all_reduce(sums)
    return (sums[0] / sums[1]).item()
