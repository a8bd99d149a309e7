"""New (cf. 4.2 L7): per-sample losses weighted by class, then .mean(), divide by N, not by the
sum of the targets' weights that CrossEntropyLoss(weight=) uses.

check: class_weights_weighted_mean
status: failed
mentions: class weights: a weighted mean; differs from the expected values; weights[targets].sum()
"""
import torch.nn.functional as F


def class_weighted_loss(logits, targets, weights):
    losses = F.cross_entropy(logits, targets, reduction="none")
    return (losses * weights[targets]).mean()
