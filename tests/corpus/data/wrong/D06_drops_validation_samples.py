"""D6: drop_last=True on the validation loader too, so some samples are never measured.

check: batches_and_drop_last
mentions: batch size and drop_last; keeps every sample
"""
import torch
from torch.utils.data import DataLoader


def make_loaders(train_ds, val_ds, batch_size, seed, num_workers=0):
    generator = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(train_ds, batch_size=batch_size, shuffle=True, drop_last=True,
                              num_workers=num_workers, generator=generator)
    val_loader = DataLoader(val_ds, batch_size=batch_size, drop_last=True,
                            num_workers=num_workers)
    return train_loader, val_loader
