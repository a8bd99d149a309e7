"""New (cf. 4.2 L3): weight= multiplies every element's loss, negatives included; pos_weight=
weights only the positive targets.

check: pos_weight_weights_positives
status: failed
mentions: pos_weight weights the positives; differs from the expected values; pos_weight=pos_weight
"""
import torch.nn.functional as F


def weighted_binary_loss(logits, targets, pos_weight):
    return F.binary_cross_entropy_with_logits(logits, targets, weight=pos_weight)
