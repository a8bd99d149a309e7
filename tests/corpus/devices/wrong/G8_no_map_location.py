"""G8: torch.load without map_location tries to restore a GPU checkpoint onto CUDA.

check: loads_gpu_checkpoint
status: error
mentions: deserialize object on a CUDA device; a checkpoint with map_location; map_location=device
"""
import torch


def load_checkpoint(path, device):
    checkpoint = torch.load(path)
    checkpoint["model"] = {k: v.to(device) for k, v in checkpoint["model"].items()}
    return checkpoint
