"""Alternative idioms, by hand: learning rates set in param_groups directly; clipping
computed by hand (scale by min(1, max_norm / (norm + 1e-6)), as clip_grad_norm_ does); a
sweep without torch.optim, its gradient from autograd.grad; a curve read with torch.isfinite;
momentum buffers started at zero (the first step is then b = grad too)."""
import torch


def momentum_step(params, state, lr, momentum):
    with torch.no_grad():
        for i, p in enumerate(params):
            buffer = state.get(i, torch.zeros_like(p))
            state[i] = momentum * buffer + p.grad
            p.sub_(lr * state[i])


def clipped_step(model, x, y, loss_fn, optimizer, max_norm):
    for p in model.parameters():
        p.grad = None
    loss_fn(model(x), y).backward()
    norm = torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters()))
    scale = min(1.0, max_norm / (norm.item() + 1e-6))
    for p in model.parameters():
        p.grad.mul_(scale)
    optimizer.step()
    return norm.item()


def train_step_lr(model, batches, loss_fn, optimizer, epochs, step_size, gamma):
    lr0 = optimizer.param_groups[0]["lr"]
    for epoch in range(epochs):
        for group in optimizer.param_groups:
            group["lr"] = lr0 * gamma ** (epoch // step_size)
        for x, y in batches:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()


def train_warmup(model, batches, loss_fn, optimizer, warmup_steps):
    lr0 = optimizer.param_groups[0]["lr"]
    for step, (x, y) in enumerate(batches):
        optimizer.param_groups[0]["lr"] = lr0 * min(1.0, (step + 1) / warmup_steps)
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()


def lr_sweep(x, y, w0, lrs, steps):
    curves = []
    for lr in lrs:
        w = w0.clone().requires_grad_(True)
        losses = []
        for _ in range(steps):
            loss = ((x @ w - y) ** 2).mean()
            losses.append(loss.item())
            (grad,) = torch.autograd.grad(loss, w)
            with torch.no_grad():
                w -= lr * grad
        losses.append(((x @ w - y) ** 2).mean().item())
        curves.append(losses)
    return curves


def classify_run(losses):
    first, last = torch.tensor(losses[0]), torch.tensor(losses[-1])
    if not torch.isfinite(last) or last > first:
        return "diverges"
    return "converges" if last <= first / 100 else "slow"
