"""O3: a per-step warm-up scheduler stepped once per epoch (after the loop), so the whole
epoch trains at lr0 / warmup_steps.

check: warmup_once_per_step
mentions: a warm-up schedule steps once per optimizer step; never stepped
"""
import torch


def train_warmup(model, batches, loss_fn, optimizer, warmup_steps):
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup_steps))
    for x, y in batches:
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
    scheduler.step()
