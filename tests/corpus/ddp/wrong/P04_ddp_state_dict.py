"""P4: the DDP wrapper's own state dict is saved, so every key starts with "module.".

check: checkpoint_holds_module_state
mentions: module.; state_dict
"""
import torch
import torch.distributed as dist


def save_checkpoint(model, path):
    if dist.get_rank() == 0:
        torch.save(model.state_dict(), path)
    dist.barrier()
