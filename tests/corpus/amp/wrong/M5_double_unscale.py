"""M5: unscale_() called twice in one iteration (once always, once more before clipping).

check: clips_unscaled_gradients
concept: GradScaler.unscale_()
status: error
mentions: clipping unscaled gradients; unscale_() has already been called; at most once
"""
import torch


def train_step(model, batch, loss_fn, optimizer, scaler, device_type, dtype, max_norm=None):
    inputs, targets = batch
    optimizer.zero_grad()
    with torch.autocast(device_type=device_type, dtype=dtype):
        loss = loss_fn(model(inputs), targets)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    if max_norm is not None:
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    scaler.step(optimizer)
    scaler.update()
    return loss.detach()
