"""E10: torch.save of the module and optimizer objects instead of their state_dicts.

check: checkpoint_holds_state_dicts
also: resume_equals_uninterrupted
mentions: checkpoints hold state_dicts; weights_only=True; state_dict()
"""
import torch


def save_checkpoint(model, optimizer, epoch, path):
    torch.save({"model": model, "optimizer": optimizer, "epoch": epoch}, path)
