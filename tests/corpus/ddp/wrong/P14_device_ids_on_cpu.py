"""P14: device_ids=[rank] for a model that lives on the CPU.

check: wrap_averages_gradients
concept: DDP on the CPU
status: error
mentions: device_ids; DDP averages gradients
"""
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP


def wrap(model, device):
    return DDP(model, device_ids=[dist.get_rank()])
