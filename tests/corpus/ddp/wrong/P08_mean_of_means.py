"""P8: global_mean averages the ranks' means, which is wrong when their counts differ.

check: global_mean_all_reduces
mentions: all_reduce; sum(totals) / sum(counts)
"""
import torch
import torch.distributed as dist


def global_mean(total, count):
    mean = torch.tensor([total / count], dtype=torch.float64)
    dist.all_reduce(mean)
    return (mean / dist.get_world_size()).item()
