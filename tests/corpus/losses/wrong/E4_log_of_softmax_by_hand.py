"""E4: -log(softmax(x)[y]) written out: the true class's probability underflows to 0 for large
logits, and the loss becomes inf.

check: logits_into_cross_entropy
status: failed
mentions: cross_entropy reads logits; got inf; log(softmax(x))
"""
import torch


def classification_loss(logits, targets):
    probabilities = torch.softmax(logits, dim=1)
    return -torch.log(probabilities[torch.arange(len(targets)), targets]).mean()
