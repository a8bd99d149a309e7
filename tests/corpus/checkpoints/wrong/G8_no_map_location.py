"""G8: loading a GPU checkpoint without map_location on a machine without that GPU.

check: map_location_for_gpu_checkpoints
concept: loading a checkpoint with map_location
status: error
mentions: map_location; Attempting to deserialize object on
"""
import torch


def load_checkpoint(model, optimizer, path):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"]
