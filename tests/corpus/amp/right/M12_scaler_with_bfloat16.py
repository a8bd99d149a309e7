"""M12 (myth, do not penalise): a GradScaler enabled for bfloat16 too.

Also: torch.amp.autocast, the loss on logits.float() outside the region, zero_grad after the
step, clipping through clip_grad_norm_ with error_if_nonfinite=False.
"""
import torch
import torch.nn.functional as F


def autocast_forward(model, inputs, labels, device_type, dtype):
    with torch.amp.autocast(device_type, dtype=dtype):
        logits = model(inputs)
    return logits, F.cross_entropy(logits.float(), labels)


def make_scaler(device_type, dtype):
    return torch.amp.GradScaler(device=device_type)


def train_step(model, batch, loss_fn, optimizer, scaler, device_type, dtype, max_norm=None):
    inputs, targets = batch
    with torch.amp.autocast(device_type=device_type, dtype=dtype):
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
    scaled = scaler.scale(loss)
    scaled.backward()
    if max_norm:
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=False)
    scaler.step(optimizer)
    scaler.update()
    optimizer.zero_grad(set_to_none=True)
    return loss.detach()
