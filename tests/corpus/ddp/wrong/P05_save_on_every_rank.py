"""P5: every rank writes the checkpoint.

check: only_rank0_saves
mentions: only rank 0; rank 0
"""
import torch


def save_checkpoint(model, path):
    torch.save(model.module.state_dict(), path)
