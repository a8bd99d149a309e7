"""E13: the optimizer's state is left out of the checkpoint.

check: checkpoint_holds_state_dicts
also: resume_equals_uninterrupted
mentions: checkpoints hold state_dicts; missing keys ['optimizer']; Adam
"""
import torch


def save_checkpoint(model, optimizer, epoch, path):
    torch.save({"model": model.state_dict(), "epoch": epoch}, path)
