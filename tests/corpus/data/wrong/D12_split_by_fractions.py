"""D12: random_split given the fractions [1 - val_fraction, val_fraction]: it truncates the
last part's size and gives the remainder to the first, so when n * val_fraction has a
fractional part above one half, val_part is one sample short of round(n * val_fraction).

check: split_reproducible
mentions: a reproducible train/validation split; the sizes of (train_part; pass the two sizes
"""
import torch
from torch.utils.data import random_split


def split_dataset(dataset, val_fraction, seed):
    generator = torch.Generator().manual_seed(seed)
    return tuple(random_split(dataset, [1 - val_fraction, val_fraction], generator=generator))
