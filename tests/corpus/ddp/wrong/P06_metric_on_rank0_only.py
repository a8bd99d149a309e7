"""P6: global_mean (a collective) is called only on rank 0, inside the logging branch.

check: rank0_logs_the_global_loss
concept: collectives run on every rank
status: timeout
also: each_epoch_reshuffles; training_matches_one_process; only_rank0_logs
mentions: collective; every rank
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
            loss = F.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
            count += len(x)
        if dist.get_rank() == 0:
            log(epoch, global_mean(total, count))
