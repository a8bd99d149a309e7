"""P5: every rank logs the epoch's loss, so each line appears once per rank.

check: only_rank0_logs
mentions: only rank 0; rank 1
"""
# ruff: noqa: F821  (a case is appended to the reference, which defines these names)
import torch.nn.functional as F


def train(model, loader, optimizer, epochs, log):
    for epoch in range(epochs):
        loader.sampler.set_epoch(epoch)
        total, count = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
            count += len(x)
        log(epoch, global_mean(total, count))
