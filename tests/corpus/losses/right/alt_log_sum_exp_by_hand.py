"""Every formula written out with logsumexp and softplus, stable for large logits."""
import torch
import torch.nn.functional as F


def log_probabilities(logits):
    return logits - torch.logsumexp(logits, dim=-1, keepdim=True)


def picked(log_p, targets):
    return log_p.gather(-1, targets.unsqueeze(-1)).squeeze(-1)


def classification_loss(logits, targets):
    return -picked(log_probabilities(logits), targets).mean()


def per_sample_nll(logits, targets):
    return torch.logsumexp(logits, dim=1) - picked(logits, targets)


def labels_loss(logits, labels):
    return classification_loss(logits, labels[:, 0].long())


def binary_loss(logits, targets):
    # log(1 + e^x) - y * x, the form BCEWithLogitsLoss computes
    return (F.softplus(logits) - targets * logits).mean()


def weighted_binary_loss(logits, targets, pos_weight):
    positive = pos_weight * targets * F.softplus(-logits)
    negative = (1 - targets) * F.softplus(logits)
    return (positive + negative).mean()


def class_weighted_loss(logits, targets, weights):
    w = weights[targets]
    return -(w * picked(log_probabilities(logits), targets)).sum() / w.sum()


def soft_target_loss(logits, probabilities):
    return -(probabilities * log_probabilities(logits)).sum(dim=1).mean()


def smoothed_loss(logits, targets, smoothing):
    log_p = log_probabilities(logits)
    return ((1 - smoothing) * -picked(log_p, targets) - smoothing * log_p.mean(dim=1)).mean()


def sequence_loss(logits, targets):
    return -picked(log_probabilities(logits), targets).mean()


def padded_loss(logits, targets, pad):
    keep = targets != pad
    return -(picked(log_probabilities(logits), targets) * keep).sum() / keep.sum()


def regression_loss(predictions, targets):
    return ((predictions.view(-1) - targets) ** 2).mean()


def epoch_loss(batches):
    losses = torch.cat([-picked(log_probabilities(logits), targets)
                        for logits, targets in batches])
    return losses.mean().item()
