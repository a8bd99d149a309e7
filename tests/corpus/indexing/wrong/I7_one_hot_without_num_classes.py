"""I7: without num_classes one_hot makes max(labels) + 1 columns.

check: one_hot_is_float
status: failed
mentions: one-hot encoding; has shape; num_classes
"""
import torch.nn.functional as F


def one_hot_float(labels, num_classes):
    return F.one_hot(labels).float()
