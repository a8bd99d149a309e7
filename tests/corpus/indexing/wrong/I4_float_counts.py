"""I4/E23: index_add_ of ones into torch.zeros(C) counts right but as float32, not int64.

check: counts_with_repeats
status: failed
mentions: counting with repeated indices; has dtype torch.float32; int64
"""
import torch


def class_counts(labels, num_classes):
    return torch.zeros(num_classes).index_add_(0, labels, torch.ones(len(labels)))
