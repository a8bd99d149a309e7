"""4.2 L6/I5: padding masked out of the sum but still counted in the mean's denominator.

check: ignore_index_for_padding
status: failed
mentions: ignore_index for padding; differs from the expected values; the number you divide by
"""
import torch.nn.functional as F


def padded_loss(logits, targets, pad):
    losses = F.cross_entropy(logits, targets, reduction="none")
    return (losses * (targets != pad)).mean()
