"""D5: shuffle=True on the validation loader too.

check: shuffle_training_only
mentions: shuffle the training set only; shuffle=False
"""
import torch
from torch.utils.data import DataLoader


def make_loaders(train_ds, val_ds, batch_size, seed, num_workers=0):
    generator = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(train_ds, batch_size=batch_size, shuffle=True, drop_last=True,
                              num_workers=num_workers, generator=generator)
    val_loader = DataLoader(val_ds, batch_size=batch_size, shuffle=True,
                            num_workers=num_workers, generator=generator)
    return train_loader, val_loader
