"""Alternative idioms: parameter groups chosen by ndim; SGD through .data; momentum written
as a velocity that includes the learning rate (v = momentum * v + lr * grad; p -= v), the
same steps while lr is constant; zero_grad(set_to_none=False) after step(); clipping with
get_total_norm and clip_grads_with_norm_."""
import torch
from torch import nn


def sgd_step(params, lr):
    for p in params:
        p.data.sub_(lr * p.grad)


def momentum_step(params, state, lr, momentum):
    with torch.no_grad():
        for p in params:
            velocity = state.setdefault(id(p), torch.zeros_like(p))
            velocity.mul_(momentum).add_(p.grad, alpha=lr)
            p.sub_(velocity)


def grouped_adamw(model, lr, weight_decay):
    params = list(model.parameters())
    return torch.optim.AdamW([
        {"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
        {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
    ], lr=lr)


def train_accumulated(model, micro_batches, loss_fn, optimizer, accumulate):
    for i, (x, y) in enumerate(micro_batches):
        (loss_fn(model(x), y) / accumulate).backward()
        if (i + 1) % accumulate == 0:
            optimizer.step()
            optimizer.zero_grad(set_to_none=False)


def clipped_step(model, x, y, loss_fn, optimizer, max_norm):
    optimizer.zero_grad(set_to_none=False)
    loss_fn(model(x), y).backward()
    grads = [p.grad for p in model.parameters()]
    norm = nn.utils.get_total_norm(grads)
    nn.utils.clip_grads_with_norm_(model.parameters(), max_norm, norm)
    optimizer.step()
    return float(norm)
