"""§3.3: the process group is never destroyed ("Always call dist.destroy_process_group()").

check: cleanup_leaves_the_group
mentions: tearing a process group down; destroy_process_group
"""
import torch.distributed as dist


def cleanup():
    dist.barrier()
