"""D12: random_split without a generator: the split changes whenever other code used the
global generator.

check: split_reproducible
mentions: a reproducible train/validation split; generator
"""
from torch.utils.data import random_split


def split_dataset(dataset, val_fraction, seed):
    n_val = round(len(dataset) * val_fraction)
    return tuple(random_split(dataset, [len(dataset) - n_val, n_val]))
