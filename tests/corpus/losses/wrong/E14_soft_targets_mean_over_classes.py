"""E14: -(p * log_softmax).mean() averages over all N * C terms: the loss is C times too small.

check: probability_targets
status: failed
mentions: class probabilities as targets; differs from the expected values; no mean over the classes
"""
import torch.nn.functional as F


def soft_target_loss(logits, probabilities):
    return -(probabilities * F.log_softmax(logits, dim=1)).mean()
