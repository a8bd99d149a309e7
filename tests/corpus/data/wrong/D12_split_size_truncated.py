"""D12: the validation size taken as int(n * val_fraction), which truncates where the task
rounds.

check: split_reproducible
mentions: a reproducible train/validation split; the sizes of (train_part; round(n * val_fraction)
"""
import torch
from torch.utils.data import random_split


def split_dataset(dataset, val_fraction, seed):
    n_val = int(len(dataset) * val_fraction)
    generator = torch.Generator().manual_seed(seed)
    return tuple(random_split(dataset, [len(dataset) - n_val, n_val], generator=generator))
