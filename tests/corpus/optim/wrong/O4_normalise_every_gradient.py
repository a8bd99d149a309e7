"""O4: clipping by hand without min(1, ...): every gradient is scaled to norm max_norm, so
small gradients grow.

check: clipping_spares_small_gradients
mentions: clipping only shrinks large gradients; scaled up
"""
import torch


def clipped_step(model, x, y, loss_fn, optimizer, max_norm):
    optimizer.zero_grad()
    loss_fn(model(x), y).backward()
    grads = [p.grad for p in model.parameters()]
    norm = torch.linalg.vector_norm(torch.cat([g.reshape(-1) for g in grads]))
    for g in grads:
        g.mul_(max_norm / norm)
    optimizer.step()
    return norm.item()
