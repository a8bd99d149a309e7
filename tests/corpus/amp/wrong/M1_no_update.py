"""M1: scaler.update() is never called, so the scale never adapts and the next step fails.

check: scale_grows
concept: GradScaler.update()
status: error
also: inf_step_skipped; step_matches_reference; clips_unscaled_gradients
mentions: the scale adapts over steps; has already been called; GradScaler
"""
import torch


def train_step(model, batch, loss_fn, optimizer, scaler, device_type, dtype, max_norm=None):
    inputs, targets = batch
    optimizer.zero_grad()
    with torch.autocast(device_type=device_type, dtype=dtype):
        loss = loss_fn(model(inputs), targets)
    scaler.scale(loss).backward()
    if max_norm is not None:
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    scaler.step(optimizer)
    return loss.detach()
