"""M4: float16 backward without loss scaling: small gradients underflow to exactly 0.

check: float16_gradients_survive
status: failed
also: inf_step_skipped; scale_grows
mentions: loss scaling prevents float16 underflow; are exactly 0; underflowed in float16
"""
import torch


def train_step(model, batch, loss_fn, optimizer, scaler, device_type, dtype, max_norm=None):
    inputs, targets = batch
    optimizer.zero_grad()
    with torch.autocast(device_type=device_type, dtype=dtype):
        loss = loss_fn(model(inputs), targets)
    loss.backward()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.detach()
