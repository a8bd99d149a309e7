"""D12: shuffle=True without a generator: the order comes from the global generator.

check: reproducible_order
mentions: a generator for a reproducible order; generator=torch.Generator().manual_seed(seed)
also: workers_with_spawn
"""
from torch.utils.data import DataLoader


def make_loaders(train_ds, val_ds, batch_size, seed, num_workers=0):
    train_loader = DataLoader(train_ds, batch_size=batch_size, shuffle=True, drop_last=True,
                              num_workers=num_workers)
    val_loader = DataLoader(val_ds, batch_size=batch_size, num_workers=num_workers)
    return train_loader, val_loader
