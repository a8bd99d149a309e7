"""O4: clipping after optimizer.step(): the parameters already moved by the unclipped
gradients.

check: clip_between_backward_and_step
mentions: clip between backward() and step(); unclipped; before optimizer.step()
"""
from torch import nn


def clipped_step(model, x, y, loss_fn, optimizer, max_norm):
    optimizer.zero_grad()
    loss_fn(model(x), y).backward()
    optimizer.step()
    return nn.utils.clip_grad_norm_(model.parameters(), max_norm).item()
