"""E13: resuming without restoring the optimizer: Adam's moments and step count restart.

check: resume_equals_uninterrupted
also: load_restores_everything; map_location_for_gpu_checkpoints
mentions: resuming equals training straight through; optimizer's state
"""
import torch


def load_checkpoint(model, optimizer, path):
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(checkpoint["model"])
    return checkpoint["epoch"]
