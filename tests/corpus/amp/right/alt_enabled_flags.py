"""Explicit enabled= flags, gradients cleared by hand, a positional autocast dtype, and a
checkpoint with extra keys loaded with weights_only."""
import torch
from torch import nn


def autocast_forward(model, inputs, labels, device_type, dtype):
    with torch.autocast(device_type=device_type, dtype=dtype, enabled=True):
        logits = model(inputs)
        loss = nn.CrossEntropyLoss()(logits, labels)
    return logits, loss


def make_scaler(device_type, dtype):
    return torch.amp.GradScaler(device_type, enabled=(dtype is torch.float16))


def train_step(model, batch, loss_fn, optimizer, scaler, device_type, dtype, max_norm=None):
    for p in model.parameters():
        p.grad = None
    inputs, targets = batch
    with torch.autocast(device_type, dtype):
        loss = loss_fn(model(inputs), targets)
    scaler.scale(loss).backward()
    if max_norm is not None:
        scaler.unscale_(optimizer)
        nn.utils.clip_grad_norm_(list(model.parameters()), max_norm=max_norm, norm_type=2.0)
    scaler.step(optimizer)
    scaler.update()
    return loss.detach().float()


def save_checkpoint(path, model, optimizer, scaler):
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "scaler": scaler.state_dict(), "epoch": 3, "note": "resume me"}
    torch.save(state, path)


def load_checkpoint(path, model, optimizer, scaler):
    state = torch.load(path, map_location="cpu", weights_only=True)
    scaler.load_state_dict(state["scaler"])
    optimizer.load_state_dict(state["optimizer"])
    model.load_state_dict(state["model"], strict=True)
