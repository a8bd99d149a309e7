"""D6: the training loader keeps its smaller last batch (drop_last left at False).

check: batches_and_drop_last
mentions: batch size and drop_last; drop_last=True
also: workers_with_spawn
"""
import torch
from torch.utils.data import DataLoader


def make_loaders(train_ds, val_ds, batch_size, seed, num_workers=0):
    generator = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(train_ds, batch_size=batch_size, shuffle=True,
                              num_workers=num_workers, generator=generator)
    val_loader = DataLoader(val_ds, batch_size=batch_size, num_workers=num_workers)
    return train_loader, val_loader
