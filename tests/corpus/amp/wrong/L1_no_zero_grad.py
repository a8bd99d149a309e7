"""L1: the scaled step is right, but the gradients are never cleared: from the second step on,
each step adds the earlier steps' gradients. A zero_grad mistake, not a scaler one.

check: step_matches_reference
concept: zeroing gradients every step
mentions: zeroing gradients every step; the first step matches; optimizer.zero_grad()
also: inf_step_skipped; scale_grows; clips_unscaled_gradients
"""
import torch


def train_step(model, batch, loss_fn, optimizer, scaler, device_type, dtype, max_norm=None):
    inputs, targets = batch
    with torch.autocast(device_type=device_type, dtype=dtype):
        loss = loss_fn(model(inputs), targets)
    scaler.scale(loss).backward()
    if max_norm is not None:
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    scaler.step(optimizer)
    scaler.update()
    return loss.detach()
