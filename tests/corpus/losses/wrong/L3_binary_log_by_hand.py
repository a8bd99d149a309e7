"""4.2 L3/E4: -(y log s + (1 - y) log(1 - s)) written out: log(0) is -inf, and 0 * -inf is nan.

check: bce_with_logits_is_stable
status: failed
mentions: BCEWithLogits is stable on large logits; got nan; binary_cross_entropy_with_logits
"""
import torch


def binary_loss(logits, targets):
    p = torch.sigmoid(logits)
    return -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p)).mean()
