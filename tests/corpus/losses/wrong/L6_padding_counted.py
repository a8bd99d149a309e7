"""4.2 L6: padding tokens counted in the loss (ignore_index left at its default, -100).

check: ignore_index_for_padding
status: failed
mentions: ignore_index for padding; differs from the expected values; ignore_index=pad
"""
import torch.nn.functional as F


def padded_loss(logits, targets, pad):
    return F.cross_entropy(logits, targets)
