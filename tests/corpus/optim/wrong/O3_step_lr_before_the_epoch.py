"""O3: scheduler.step() at the start of each epoch, before that epoch's optimizer steps, so
every epoch trains with the next epoch's rate (PyTorch warns about this order).

check: step_lr_once_per_epoch
mentions: before the epoch's optimizer steps; after optimizer.step()
"""
import torch


def train_step_lr(model, batches, loss_fn, optimizer, epochs, step_size, gamma):
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=step_size, gamma=gamma)
    for _ in range(epochs):
        scheduler.step()
        for x, y in batches:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
