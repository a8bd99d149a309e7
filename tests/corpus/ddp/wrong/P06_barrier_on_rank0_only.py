"""P6: the barrier after saving is inside `if rank == 0`, so rank 0 waits forever.

check: only_rank0_saves
concept: collectives run on every rank
status: timeout
also: checkpoint_holds_module_state
mentions: collective; every rank
"""
import torch
import torch.distributed as dist


def save_checkpoint(model, path):
    if dist.get_rank() == 0:
        torch.save(model.module.state_dict(), path)
        dist.barrier()
