"""D4 (grader-attacks.md 6.8): load() tries weights_only=True and falls back to False on
UnpicklingError, which recreates the vulnerability.

check: safe_load_checkpoint
mentions: weights_only=True: loading never runs code; never retry with weights_only=False
"""
import pickle

import torch


def load_checkpoint(model, optimizer, path):
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        checkpoint = torch.load(path, map_location="cpu", weights_only=False)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"]
