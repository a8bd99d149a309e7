"""§3.3 hang safety: no timeout= for init_process_group, so a stuck collective waits 30 minutes.

check: setup_joins_the_group
mentions: timeout; 30 minutes
"""
import torch.distributed as dist


def setup(rank, world_size, init_method, timeout, backend="gloo"):
    dist.init_process_group(backend, init_method=init_method, rank=rank,
                            world_size=world_size)
