"""O3: the warm-up scheduler steps before optimizer.step(), so every step uses the next
step's rate and the first step skips lr0 / warmup_steps.

check: warmup_once_per_step
mentions: before optimizer.step()
"""
import torch


def train_warmup(model, batches, loss_fn, optimizer, warmup_steps):
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup_steps))
    for x, y in batches:
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        scheduler.step()
        optimizer.step()
