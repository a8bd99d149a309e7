"""take_along_dim, scatter_add_ with an expanded index, bmm on merged heads, maximum/minimum."""
import torch


def pick_per_row(logits, targets):
    return torch.take_along_dim(logits, targets[:, None], dim=1)[:, 0]


def last_valid_step(outputs, lengths):
    index = (lengths - 1)[:, None, None].expand(-1, -1, outputs.shape[-1])
    return torch.take_along_dim(outputs, index, dim=1)[:, 0]


def center_rows(x):
    return x - x.sum(dim=1, keepdim=True) / x.shape[1]


def masked_mean(x, mask):
    kept = mask.to(x.dtype)
    return (x * kept).sum(dim=1) / kept.sum(dim=1)


def mask_after_length(scores, lengths, value):
    out = scores.clone()
    steps = torch.arange(scores.shape[1], device=scores.device)
    out[steps.unsqueeze(0) >= lengths.unsqueeze(1)] = value
    return out


def class_counts(labels, num_classes):
    return torch.zeros(num_classes, dtype=torch.int64).index_add_(0, labels,
                                                                   torch.ones_like(labels))


def group_sums(values, groups, num_groups):
    index = groups.unsqueeze(1).expand_as(values)
    return torch.zeros(num_groups, values.shape[1]).scatter_add_(0, index, values)


def attention_scores(q, k):
    b, h, t, d = q.shape
    scores = torch.bmm(q.reshape(b * h, t, d), k.reshape(b * h, -1, d).transpose(1, 2))
    return scores.view(b, h, t, -1) / d ** 0.5


def one_hot_float(labels, num_classes):
    return torch.zeros(len(labels), num_classes).scatter_(1, labels.unsqueeze(1), 1.0)


def leaky(x, slope):
    return torch.maximum(x, slope * x)


def clip(x, low, high):
    return torch.minimum(torch.maximum(x, torch.tensor(low)), torch.tensor(high))
