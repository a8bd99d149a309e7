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
    # YOUR CODE HERE
    raise NotImplementedError()


def last_valid_step(outputs: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Return each sequence's output at its last real step: (B, D).

    `outputs` is (B, T, D), padded at the end; `lengths` (B,) int64 holds each sequence's real
    length, from 1 to T. Row b of the result is outputs[b, lengths[b] - 1].
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def center_rows(x: torch.Tensor) -> torch.Tensor:
    """Subtract from each row of `x` (N, D) that row's mean; return a new (N, D) tensor."""
    # YOUR CODE HERE
    raise NotImplementedError()


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Return the mean of each row of `x` (N, T) over the positions where `mask` is True: (N,).

    `mask` is a (N, T) bool tensor with at least one True in every row; positions where it is
    False (padding) count for nothing, neither in the sum nor in the count.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def mask_after_length(scores: torch.Tensor, lengths: torch.Tensor, value: float) -> torch.Tensor:
    """Return a copy of `scores` (N, T) where every position t >= lengths[n] holds `value`.

    `lengths` is (N,) int64. Positions before a row's length keep their score. `scores` may
    live on any device: build the mask on scores' device, and leave `scores` unchanged.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def class_counts(labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Return how often each class occurs in `labels` (1-d int64): an int64 (num_classes,) tensor.

    Classes that never occur count 0; a class may occur many times.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def group_sums(values: torch.Tensor, groups: torch.Tensor, num_groups: int) -> torch.Tensor:
    """Sum the rows of `values` (N, D) per group: a (num_groups, D) tensor of values' dtype.

    `groups` (N,) int64 says which group each row belongs to; row g of the result is the sum
    of the rows n with groups[n] == g (zeros for a group with no rows). Groups repeat.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def attention_scores(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """Scaled dot-product attention scores for a batch of heads.

    `q` is (B, H, T, D) and `k` (B, H, S, D). Return (B, H, T, S) where
    scores[b, h, t, s] = (q[b, h, t] . k[b, h, s]) / sqrt(D).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def one_hot_float(labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """One-hot encode `labels` (N,) int64 as a float32 (N, num_classes) tensor, ready to be
    multiplied with float weights."""
    # YOUR CODE HERE
    raise NotImplementedError()


def leaky(x: torch.Tensor, slope: float) -> torch.Tensor:
    """Leaky ReLU by hand: x where x > 0, slope * x elsewhere.

    `x` may require grad: the result must stay in the autograd graph, so gradients flow back
    to x through it.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def clip(x: torch.Tensor, low: float, high: float) -> torch.Tensor:
    """Limit every element of `x` to [low, high] (below low becomes low, above high becomes
    high), keeping the autograd graph; `x` itself must not change."""
    # YOUR CODE HERE
    raise NotImplementedError()
