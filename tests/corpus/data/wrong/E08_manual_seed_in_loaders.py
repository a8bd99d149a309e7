"""E8: torch.manual_seed(seed) inside make_loaders: reproducible, but it resets the global
generator that every other piece of code shares.

check: reproducible_order
mentions: a generator for a reproducible order; torch.manual_seed
"""
import torch
from torch.utils.data import DataLoader


def make_loaders(train_ds, val_ds, batch_size, seed, num_workers=0):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(train_ds, batch_size=batch_size, shuffle=True, drop_last=True,
                              num_workers=num_workers, generator=generator)
    val_loader = DataLoader(val_ds, batch_size=batch_size, num_workers=num_workers)
    return train_loader, val_loader
