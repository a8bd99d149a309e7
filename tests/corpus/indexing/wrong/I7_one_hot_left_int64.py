"""I7: F.one_hot returns int64, which then fails against float weights.

check: one_hot_is_float
status: failed
mentions: one-hot encoding; has dtype torch.int64; .float()
"""
import torch.nn.functional as F


def one_hot_float(labels, num_classes):
    return F.one_hot(labels, num_classes)
