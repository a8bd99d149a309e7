"""O7: one weight tensor for the whole sweep, so each rate starts where the previous rate's
run ended instead of from w0.

check: sweep_loss_curves
mentions: a learning-rate sweep starts every run afresh; did not start from w0
also: sweep_report_matches_measurement
"""
import torch
import torch.nn.functional as F


def lr_sweep(x, y, w0, lrs, steps):
    w = w0.detach().clone().requires_grad_(True)
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
