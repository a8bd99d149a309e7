"""M3: optimizer.step() instead of scaler.step(optimizer): the update is 65536 times too big.

check: step_matches_reference
concept: GradScaler.step()
status: error
also: inf_step_skipped; scale_grows; clips_unscaled_gradients; float16_gradients_survive
mentions: the GradScaler training step; No inf checks were recorded; scaler.step(optimizer)
"""
import torch


def train_step(model, batch, loss_fn, optimizer, scaler, device_type, dtype, max_norm=None):
    inputs, targets = batch
    optimizer.zero_grad()
    with torch.autocast(device_type=device_type, dtype=dtype):
        loss = loss_fn(model(inputs), targets)
    scaler.scale(loss).backward()
    optimizer.step()
    scaler.update()
    return loss.detach()
