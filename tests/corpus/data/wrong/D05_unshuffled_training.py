"""D5: shuffle=False on the training loader: every epoch sees the same order.

check: shuffle_training_only
mentions: shuffle the training set only; shuffle=True
also: reproducible_order
"""
from torch.utils.data import DataLoader


def make_loaders(train_ds, val_ds, batch_size, seed, num_workers=0):
    train_loader = DataLoader(train_ds, batch_size=batch_size, drop_last=True,
                              num_workers=num_workers)
    val_loader = DataLoader(val_ds, batch_size=batch_size, num_workers=num_workers)
    return train_loader, val_loader
