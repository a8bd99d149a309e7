"""P8: rank 0 logs its own shard's mean loss instead of the mean over all ranks.

check: rank0_logs_the_global_loss
mentions: all ranks; all-reduced
"""
import torch.distributed as dist
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
        if dist.get_rank() == 0:
            log(epoch, total / count)
