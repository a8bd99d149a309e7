"""L15 (myth, do not penalise): torch.optim.SGD with zero_grad() after step(); zero_() before
each batch; an nn.Parameter; the sum of losses for accumulation."""
import torch
import torch.nn.functional as F


def gd_steps(x, w, b, y, lr, steps):
    optimizer = torch.optim.SGD([w, b], lr=lr)
    losses = []
    for _ in range(steps):
        loss = logistic_loss(x, w, b, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(float(loss))
    return losses


def grads_per_batch(batches, w, b):
    recorded = []
    for x, y in batches:
        for p in (w, b):
            if p.grad is not None:
                p.grad.zero_()
        logistic_loss(x, w, b, y).backward()
        recorded.append(w.grad.detach().clone())
    return recorded


def accumulate_grads(batches, w, b):
    if w.grad is not None:
        w.grad.zero_()
    if b.grad is not None:
        b.grad.zero_()
    total = sum(y.numel() for _, y in batches)
    for x, y in batches:
        z = x @ w + b
        (F.binary_cross_entropy(torch.sigmoid(z), y, reduction="sum") / total).backward()


def new_weights(n_in, n_out, seed):
    generator = torch.Generator()
    generator.manual_seed(seed)
    return torch.nn.Parameter(0.01 * torch.randn(n_in, n_out, generator=generator))
