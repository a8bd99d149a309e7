"""The nn.Module forms of every loss, permute for the class axis, unsqueeze for the targets."""
import torch
from torch import nn


def classification_loss(logits, targets):
    return nn.CrossEntropyLoss()(logits, targets)


def per_sample_nll(logits, targets):
    return nn.NLLLoss(reduction="none")(nn.LogSoftmax(dim=1)(logits), targets)


def labels_loss(logits, labels):
    return nn.CrossEntropyLoss()(logits, labels.view(-1).to(torch.int64))


def binary_loss(logits, targets):
    return nn.BCEWithLogitsLoss()(logits, targets)


def weighted_binary_loss(logits, targets, pos_weight):
    return nn.BCEWithLogitsLoss(pos_weight=pos_weight)(logits, targets)


def class_weighted_loss(logits, targets, weights):
    return nn.CrossEntropyLoss(weight=weights)(logits, targets)


def soft_target_loss(logits, probabilities):
    return nn.CrossEntropyLoss()(logits, probabilities)


def smoothed_loss(logits, targets, smoothing):
    return nn.CrossEntropyLoss(label_smoothing=smoothing)(logits, targets)


def sequence_loss(logits, targets):
    return nn.CrossEntropyLoss()(logits.permute(0, 2, 1), targets)


def padded_loss(logits, targets, pad):
    return nn.CrossEntropyLoss(ignore_index=pad)(logits, targets)


def regression_loss(predictions, targets):
    return nn.MSELoss()(predictions, targets.unsqueeze(1))


def epoch_loss(batches):
    criterion = nn.CrossEntropyLoss()
    total = sum(criterion(logits, targets).item() * len(targets) for logits, targets in batches)
    return total / sum(len(targets) for _, targets in batches)
