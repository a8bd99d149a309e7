"""Every function hands back (a copy of) an input, or a constant where no input has the shape:
the right type, and for where/clamp a graph, but never the right values."""
import torch


def pick_per_row(logits, targets):
    return logits[:, 0].clone()


def last_valid_step(outputs, lengths):
    return outputs[:, 0].clone()


def center_rows(x):
    return x.clone()


def masked_mean(x, mask):
    return x[:, 0].clone()


def mask_after_length(scores, lengths, value):
    return scores.clone()


def class_counts(labels, num_classes):
    return torch.ones(num_classes, dtype=torch.int64)


def group_sums(values, groups, num_groups):
    return values[:num_groups].clone()


def attention_scores(q, k):
    return torch.ones(*q.shape[:3], k.shape[2])


def one_hot_float(labels, num_classes):
    return torch.ones(len(labels), num_classes) / num_classes


def leaky(x, slope):
    return x.clone()


def clip(x, low, high):
    return x.clone()
