"""R9: squeeze() without a dim also drops the batch axis when N == 1, leaving a 0-d target.

check: targets_are_class_indices
concept: label shapes
status: error
mentions: targets are (N,) int64 class indices; label shapes; squeeze(1)
"""
import torch.nn.functional as F


def labels_loss(logits, labels):
    return F.cross_entropy(logits, labels.squeeze().long())
