"""Indexing and broadcasting: picking values per row, masks, gather and scatter, einsum.

Many checks use square inputs (as many rows as columns, as many time steps as keys) and
dimensions of size 1, where a wrong broadcast or a swapped axis still runs and only the values
(or the shape) give it away. None of your functions may change a tensor it was given.
"""

import torch
import torch.nn.functional as F


def pick_per_row(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Return the logit of each row's target class: out[n] = logits[n, targets[n]].

    `logits` is (N, C) and `targets` (N,) int64 class indices; the result is (N,).
    """
    ### BEGIN SOLUTION
    return logits.gather(1, targets.unsqueeze(1)).squeeze(1)
    ### END SOLUTION


def last_valid_step(outputs: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Return each sequence's output at its last real step: (B, D).

    `outputs` is (B, T, D), padded at the end; `lengths` (B,) int64 holds each sequence's real
    length, from 1 to T. Row b of the result is outputs[b, lengths[b] - 1].
    """
    ### BEGIN SOLUTION
    index = (lengths - 1).view(-1, 1, 1).expand(-1, 1, outputs.shape[2])
    return outputs.gather(1, index).squeeze(1)
    ### END SOLUTION


def center_rows(x: torch.Tensor) -> torch.Tensor:
    """Subtract from each row of `x` (N, D) that row's mean; return a new (N, D) tensor."""
    ### BEGIN SOLUTION
    return x - x.mean(dim=1, keepdim=True)
    ### END SOLUTION


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Return the mean of each row of `x` (N, T) over the positions where `mask` is True: (N,).

    `mask` is a (N, T) bool tensor with at least one True in every row; positions where it is
    False (padding) count for nothing, neither in the sum nor in the count.
    """
    ### BEGIN SOLUTION
    return x.masked_fill(~mask, 0).sum(dim=1) / mask.sum(dim=1)
    ### END SOLUTION


def mask_after_length(scores: torch.Tensor, lengths: torch.Tensor, value: float) -> torch.Tensor:
    """Return a copy of `scores` (N, T) where every position t >= lengths[n] holds `value`.

    `lengths` is (N,) int64. Positions before a row's length keep their score. `scores` may
    live on any device: build the mask on scores' device, and leave `scores` unchanged.
    """
    ### BEGIN SOLUTION
    steps = torch.arange(scores.shape[1], device=scores.device)
    return scores.masked_fill(steps >= lengths.unsqueeze(1), value)
    ### END SOLUTION


def class_counts(labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Return how often each class occurs in `labels` (1-d int64): an int64 (num_classes,) tensor.

    Classes that never occur count 0; a class may occur many times.
    """
    ### BEGIN SOLUTION
    return torch.bincount(labels, minlength=num_classes)
    ### END SOLUTION


def group_sums(values: torch.Tensor, groups: torch.Tensor, num_groups: int) -> torch.Tensor:
    """Sum the rows of `values` (N, D) per group: a (num_groups, D) tensor of values' dtype.

    `groups` (N,) int64 says which group each row belongs to; row g of the result is the sum
    of the rows n with groups[n] == g (zeros for a group with no rows). Groups repeat.
    """
    ### BEGIN SOLUTION
    return values.new_zeros(num_groups, values.shape[1]).index_add_(0, groups, values)
    ### END SOLUTION


def attention_scores(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """Scaled dot-product attention scores for a batch of heads.

    `q` is (B, H, T, D) and `k` (B, H, S, D). Return (B, H, T, S) where
    scores[b, h, t, s] = (q[b, h, t] . k[b, h, s]) / sqrt(D).
    """
    ### BEGIN SOLUTION
    return torch.einsum("bhtd,bhsd->bhts", q, k) / q.shape[-1] ** 0.5
    ### END SOLUTION


def one_hot_float(labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """One-hot encode `labels` (N,) int64 as a float32 (N, num_classes) tensor, ready to be
    multiplied with float weights."""
    ### BEGIN SOLUTION
    return F.one_hot(labels, num_classes).float()
    ### END SOLUTION


def leaky(x: torch.Tensor, slope: float) -> torch.Tensor:
    """Leaky ReLU by hand: x where x > 0, slope * x elsewhere.

    `x` may require grad: the result must stay in the autograd graph, so gradients flow back
    to x through it.
    """
    ### BEGIN SOLUTION
    return torch.where(x > 0, x, slope * x)
    ### END SOLUTION


def clip(x: torch.Tensor, low: float, high: float) -> torch.Tensor:
    """Limit every element of `x` to [low, high] (below low becomes low, above high becomes
    high), keeping the autograd graph; `x` itself must not change."""
    ### BEGIN SOLUTION
    return x.clamp(low, high)
    ### END SOLUTION
