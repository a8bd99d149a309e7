"""2.5 L10: the loss returned as loss.item(), a Python float that training cannot backward().

check: logits_into_cross_entropy
concept: a loss is a tensor in the autograd graph
status: failed
mentions: a loss is a tensor in the autograd graph; is a float; not loss.item()
"""
import torch.nn.functional as F


def classification_loss(logits, targets):
    return F.cross_entropy(logits, targets).item()
