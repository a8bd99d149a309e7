"""G8: map_location="cpu" fixes the CPU machine but ignores the device asked for.

check: loads_gpu_checkpoint
status: failed
mentions: loading a checkpoint with map_location; is on device cpu; expected meta
"""
import torch


def load_checkpoint(path, device):
    return torch.load(path, map_location="cpu")
