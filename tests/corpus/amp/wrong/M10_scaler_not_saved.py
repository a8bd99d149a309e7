"""M10: the checkpoint holds the model and the optimizer but not the scaler.

check: checkpoint_saves_scaler
status: failed
mentions: saving the scaler with a checkpoint; ['scaler']; Save scaler.state_dict()
"""
import torch


def save_checkpoint(path, model, optimizer, scaler):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)
