"""4.2 L3: sigmoid followed by BCELoss: sigmoid(150) rounds to 1 and BCELoss clamps log(0) to
-100, so the loss of a logit of 150 with target 0 comes out 100 instead of 150.

check: bce_with_logits_is_stable
status: failed
mentions: BCEWithLogits is stable on large logits; differs from the expected values; clamps
"""
import torch
import torch.nn.functional as F


def binary_loss(logits, targets):
    return F.binary_cross_entropy(torch.sigmoid(logits), targets)
