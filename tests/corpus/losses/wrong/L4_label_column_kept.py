"""2.5 L4: a (N, 1) label column converted to int64 but not flattened to (N,).

check: targets_are_class_indices
concept: label shapes
status: error
mentions: targets are (N,) int64 class indices; label shapes; squeeze
"""
import torch.nn.functional as F


def labels_loss(logits, labels):
    return F.cross_entropy(logits, labels.long())
