"""I4: counts[labels] += 1 writes each repeated index once, so a class seen 5 times counts 1.

check: counts_with_repeats
status: failed
mentions: counting with repeated indices; differs from the expected values; bincount
"""
import torch


def class_counts(labels, num_classes):
    counts = torch.zeros(num_classes, dtype=torch.int64)
    counts[labels] += 1
    return counts
