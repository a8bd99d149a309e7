"""T6: randint's high bound is exclusive, so high - 1 never draws the last class.

check: random_with_generator
status: failed
mentions: random numbers from a generator; values
"""
import torch


def random_labels(n, num_classes, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, num_classes - 1, (n,), generator=g)
