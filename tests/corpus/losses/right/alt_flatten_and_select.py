"""Flattened sequences, selected tokens, soft targets built by hand, nll_loss on log_softmax."""
import torch
import torch.nn.functional as F


def classification_loss(logits, targets):
    return F.nll_loss(F.log_softmax(logits, dim=1), targets)


def per_sample_nll(logits, targets):
    return F.cross_entropy(logits, targets, reduction="none")


def labels_loss(logits, labels):
    return F.cross_entropy(logits, labels.flatten().long())


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(logits, targets, reduction="sum") / len(targets)


def weighted_binary_loss(logits, targets, pos_weight):
    losses = F.binary_cross_entropy_with_logits(logits, targets, reduction="none",
                                                pos_weight=pos_weight)
    return losses.sum() / losses.numel()


def class_weighted_loss(logits, targets, weights):
    losses = F.cross_entropy(logits, targets, reduction="none")
    return (losses * weights[targets]).sum() / weights[targets].sum()


def soft_target_loss(logits, probabilities):
    return torch.sum(-probabilities * F.log_softmax(logits, dim=-1)) / len(logits)


def smoothed_loss(logits, targets, smoothing):
    classes = logits.shape[1]
    soft = F.one_hot(targets, classes).float() * (1 - smoothing) + smoothing / classes
    return F.cross_entropy(logits, soft)


def sequence_loss(logits, targets):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def padded_loss(logits, targets, pad):
    keep = targets != pad
    return F.cross_entropy(logits[keep], targets[keep])


def regression_loss(predictions, targets):
    return F.mse_loss(predictions, targets.view_as(predictions))


def epoch_loss(batches):
    total, count = 0.0, 0
    for logits, targets in batches:
        total += F.cross_entropy(logits, targets, reduction="sum").item()
        count += targets.numel()
    return total / count
