"""P7: the forward pass goes through model.module, which skips DDP's gradient averaging.

check: training_matches_one_process
mentions: model.module; one process
"""
# ruff: noqa: F821  (a case is appended to the reference, which defines these names)
import torch.distributed as dist
import torch.nn.functional as F


def train(model, loader, optimizer, epochs, log):
    for epoch in range(epochs):
        loader.sampler.set_epoch(epoch)
        total, count = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            loss = F.mse_loss(model.module(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
            count += len(x)
        mean = global_mean(total, count)
        if dist.get_rank() == 0:
            log(epoch, mean)
