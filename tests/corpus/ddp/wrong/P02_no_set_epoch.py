"""P2: the sampler is never told the epoch, so every epoch repeats epoch 0's order.

check: each_epoch_reshuffles
mentions: set_epoch
"""
# ruff: noqa: F821  (a case is appended to the reference, which defines these names)
import torch.distributed as dist
import torch.nn.functional as F


def train(model, loader, optimizer, epochs, log):
    for epoch in range(epochs):
        total, count = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
            count += len(x)
        mean = global_mean(total, count)
        if dist.get_rank() == 0:
            log(epoch, mean)
