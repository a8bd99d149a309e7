"""M2: clipping without scaler.unscale_() clips gradients still multiplied by 65536.

check: clips_unscaled_gradients
status: failed
mentions: clipping unscaled gradients; update_norms; unscale_(optimizer) before clip_grad_norm_
"""
import torch


def train_step(model, batch, loss_fn, optimizer, scaler, device_type, dtype, max_norm=None):
    inputs, targets = batch
    optimizer.zero_grad()
    with torch.autocast(device_type=device_type, dtype=dtype):
        loss = loss_fn(model(inputs), targets)
    scaler.scale(loss).backward()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    scaler.step(optimizer)
    scaler.update()
    return loss.detach()
