"""4.2 L1 (and 2.5 L6): softmax before cross_entropy, which applies log_softmax itself.

check: logits_into_cross_entropy
status: failed
mentions: cross_entropy reads logits; differs from the expected values; raw logits
"""
import torch.nn.functional as F


def classification_loss(logits, targets):
    return F.cross_entropy(F.softmax(logits, dim=1), targets)
