"""E14: soft (probability) targets turned into class indices with argmax: the softness is lost.

check: probability_targets
status: failed
mentions: class probabilities as targets; differs from the expected values; no argmax
"""
import torch.nn.functional as F


def soft_target_loss(logits, probabilities):
    return F.cross_entropy(logits, probabilities.argmax(dim=1))
