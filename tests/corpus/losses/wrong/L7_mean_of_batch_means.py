"""4.2 L7: the mean of per-batch means gives the short last batch the weight of a full one.

check: epoch_mean_weights_samples
status: failed
mentions: an epoch's mean weights every sample; is; reduction='sum'
"""
import torch.nn.functional as F


def epoch_loss(batches):
    means = [F.cross_entropy(logits, targets).item() for logits, targets in batches]
    return sum(means) / len(means)
