"""Every function returns zeros of the right shape, dtype and device; where and clamp keep a
graph back to x (x * 0), so only the values give them away."""
import torch


def pick_per_row(logits, targets):
    return logits.new_zeros(len(targets))


def last_valid_step(outputs, lengths):
    return outputs.new_zeros(len(lengths), outputs.shape[2])


def center_rows(x):
    return torch.zeros_like(x)


def masked_mean(x, mask):
    return x.new_zeros(len(x))


def mask_after_length(scores, lengths, value):
    return torch.zeros_like(scores)


def class_counts(labels, num_classes):
    return torch.zeros(num_classes, dtype=torch.int64)


def group_sums(values, groups, num_groups):
    return values.new_zeros(num_groups, values.shape[1])


def attention_scores(q, k):
    return q.new_zeros(*q.shape[:3], k.shape[2])


def one_hot_float(labels, num_classes):
    return torch.zeros(len(labels), num_classes)


def leaky(x, slope):
    return x * 0


def clip(x, low, high):
    return x * 0
