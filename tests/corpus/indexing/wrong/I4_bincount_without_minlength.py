"""I4: bincount(labels) stops at the largest label present; absent last classes are lost.

check: counts_with_repeats
status: failed
mentions: counting with repeated indices; has shape; minlength=num_classes
"""
import torch


def class_counts(labels, num_classes):
    return torch.bincount(labels)
