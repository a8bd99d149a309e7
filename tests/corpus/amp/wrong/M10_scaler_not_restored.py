"""M10: resuming restores the model and the optimizer, and the scaler restarts at 65536.

check: checkpoint_restores_scaler
status: failed
mentions: resuming the scaler from a checkpoint; ['scaler']; scaler.load_state_dict
"""
import torch


def load_checkpoint(path, model, optimizer, scaler):
    checkpoint = torch.load(path)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
