"""Python loops over rows that stack tensors (the graph survives), masks as arithmetic."""
import torch


def pick_per_row(logits, targets):
    return torch.stack([logits[n, t] for n, t in enumerate(targets.tolist())])


def last_valid_step(outputs, lengths):
    return torch.stack([outputs[b, n - 1] for b, n in enumerate(lengths.tolist())])


def center_rows(x):
    return x - x.mean(dim=-1).unsqueeze(-1)


def masked_mean(x, mask):
    return torch.stack([row[keep].mean() for row, keep in zip(x, mask, strict=True)])


def mask_after_length(scores, lengths, value):
    steps = torch.arange(scores.shape[1], device=scores.device)
    fill = torch.full_like(scores[0], value)
    return torch.stack([torch.where(steps < length, row, fill)
                        for row, length in zip(scores, lengths, strict=True)])


def class_counts(labels, num_classes):
    counts = torch.zeros(num_classes, dtype=torch.int64)
    for label in labels.tolist():
        counts[label] += 1
    return counts


def group_sums(values, groups, num_groups):
    return torch.stack([values[groups == g].sum(dim=0) for g in range(num_groups)])


def attention_scores(q, k):
    return torch.einsum("...td,...sd->...ts", q, k) * q.shape[-1] ** -0.5


def one_hot_float(labels, num_classes):
    return (labels.unsqueeze(1) == torch.arange(num_classes)).float()


def leaky(x, slope):
    positive = (x > 0).to(x.dtype)
    return x * positive + slope * x * (1 - positive)


def clip(x, low, high):
    return torch.where(x < low, low, torch.where(x > high, high, x))
