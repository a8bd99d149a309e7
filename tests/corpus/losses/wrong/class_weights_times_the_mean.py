"""New (cf. 4.2 L7): the mean loss multiplied by the class weights gives C numbers, not one.

check: class_weights_weighted_mean
status: failed
mentions: class weights: a weighted mean; has shape; weights[targets[n]]
"""
import torch.nn.functional as F


def class_weighted_loss(logits, targets, weights):
    return F.cross_entropy(logits, targets) * weights
