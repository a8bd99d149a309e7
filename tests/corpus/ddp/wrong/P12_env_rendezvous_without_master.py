"""P12: init_method is ignored, so init_process_group falls back to env:// without MASTER_ADDR.

check: setup_joins_the_group
concept: rendezvous (init_method)
status: error
mentions: joining a process group; MASTER_ADDR
"""
import torch.distributed as dist


def setup(rank, world_size, init_method, timeout, backend="gloo"):
    dist.init_process_group(backend, rank=rank, world_size=world_size, timeout=timeout)
