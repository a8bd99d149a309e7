"""D3 (grader-attacks.md 6.8): load() uses torch.load(path, weights_only=False); the canary
checkpoint's pickle runs.

check: safe_load_checkpoint
mentions: weights_only=True: loading never runs code; ['code ran']
"""
import torch


def load_checkpoint(model, optimizer, path):
    checkpoint = torch.load(path, map_location="cpu", weights_only=False)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"]
