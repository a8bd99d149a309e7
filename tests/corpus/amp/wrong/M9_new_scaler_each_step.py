"""M9: a new GradScaler every step: the scale never adapts across steps.

check: scale_grows
status: failed
also: inf_step_skipped
mentions: the scale adapts over steps; ['scales']; never make a new one
"""
import torch


def train_step(model, batch, loss_fn, optimizer, scaler, device_type, dtype, max_norm=None):
    scaler = torch.amp.GradScaler(device_type)
    inputs, targets = batch
    optimizer.zero_grad()
    with torch.autocast(device_type=device_type, dtype=dtype):
        loss = loss_fn(model(inputs), targets)
    scaler.scale(loss).backward()
    if max_norm is not None:
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    scaler.step(optimizer)
    scaler.update()
    return loss.detach()
