"""An autocast context kept in a variable, the loss kept inside, the optimizer zeroed through
the model, and a with-statement that covers only the forward and loss."""
import torch
import torch.nn.functional as F


def autocast_forward(model, inputs, labels, device_type, dtype):
    region = torch.autocast(device_type=device_type, dtype=dtype)
    with region:
        logits = model(inputs)
        loss = F.cross_entropy(logits, labels, reduction="mean")
    return logits, loss


def make_scaler(device_type, dtype):
    return torch.amp.GradScaler(device_type, init_scale=2.0**16,
                                enabled=dtype == torch.float16)


def train_step(model, batch, loss_fn, optimizer, scaler, device_type, dtype, max_norm=None):
    model.zero_grad()
    with torch.autocast(device_type=device_type, dtype=dtype):
        loss = loss_fn(model(batch[0]), batch[1])
    scaler.scale(loss).backward()
    if max_norm is not None:
        scaler.unscale_(optimizer)
        grads = [p.grad for p in model.parameters() if p.grad is not None]
        norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
        factor = torch.clamp(max_norm / (norm + 1e-6), max=1.0)
        for g in grads:
            g.mul_(factor)
    scaler.step(optimizer)
    scaler.update()
    return loss.detach()
