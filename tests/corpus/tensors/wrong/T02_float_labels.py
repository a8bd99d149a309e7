"""T2: torch.Tensor(labels) gives float32 class labels; CrossEntropyLoss wants int64.

check: labels_are_int64
status: failed
mentions: class labels are int64; torch.float32
"""
import torch


def labels_tensor(labels):
    return torch.Tensor(labels)
