"""O4: clip_grad_value_ (each gradient entry clamped to [-max_norm, max_norm]) where the task
asks to clip the total norm.

check: clip_between_backward_and_step
mentions: clip_grad_value_; direction
"""
import torch
from torch import nn


def clipped_step(model, x, y, loss_fn, optimizer, max_norm):
    optimizer.zero_grad()
    loss_fn(model(x), y).backward()
    norm = torch.linalg.vector_norm(
        torch.cat([p.grad.reshape(-1) for p in model.parameters()]))
    nn.utils.clip_grad_value_(model.parameters(), max_norm)
    optimizer.step()
    return norm.item()
