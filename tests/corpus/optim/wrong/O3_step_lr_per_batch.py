"""O3: scheduler.step() after every batch, so a per-epoch StepLR decays per batch.

check: step_lr_once_per_epoch
mentions: an epoch schedule steps once per epoch; within an epoch
"""
import torch


def train_step_lr(model, batches, loss_fn, optimizer, epochs, step_size, gamma):
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=step_size, gamma=gamma)
    for _ in range(epochs):
        for x, y in batches:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
            scheduler.step()
