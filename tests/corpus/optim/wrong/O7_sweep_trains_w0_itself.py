"""O7 (with A2's in-place requires_grad_): the sweep trains the caller's w0 itself, so w0
changes and every later rate starts from trained weights.

check: sweep_loss_curves
mentions: w0 changed; w0.detach().clone()
also: sweep_report_matches_measurement
"""
import torch
import torch.nn.functional as F


def lr_sweep(x, y, w0, lrs, steps):
    w = w0.requires_grad_(True)
    curves = []
    for lr in lrs:
        optimizer = torch.optim.SGD([w], lr=lr)
        losses = []
        for _ in range(steps):
            loss = F.mse_loss(x @ w, y)
            losses.append(loss.item())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        losses.append(F.mse_loss(x @ w, y).item())
        curves.append(losses)
    return curves
