"""Reshape, view and memory: when results share storage, contiguity, moving axes safely.

Several checks feed your functions non-contiguous inputs (transposed or permuted views), and
some compare storage: whether your result is a view of the input or a copy. None of your
functions may change the tensor it was given.
"""

import torch


def as_rows(x: torch.Tensor, rows: int) -> torch.Tensor:
    """Return the elements of `x` in row-major order as a (rows, -1) tensor.

    `x` may be non-contiguous (for example a transposed matrix).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def flat_view(x: torch.Tensor) -> torch.Tensor:
    """Return `x` (contiguous) as a 1-d tensor that shares its storage: no copy."""
    # YOUR CODE HERE
    raise NotImplementedError()


def flat_copy(x: torch.Tensor) -> torch.Tensor:
    """Return the elements of `x` as a 1-d tensor with its own memory, whatever `x`'s layout."""
    # YOUR CODE HERE
    raise NotImplementedError()


def row_major(x: torch.Tensor) -> torch.Tensor:
    """Return `x` laid out contiguously in row-major order.

    When `x` is already contiguous, return it without copying; otherwise return a copy.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def nhwc_to_nchw(images: torch.Tensor) -> torch.Tensor:
    """Move the channel axis of a (N, H, W, C) batch: return (N, C, H, W) with the same pixels."""
    # YOUR CODE HERE
    raise NotImplementedError()


def swap_last_two(batch: torch.Tensor) -> torch.Tensor:
    """Transpose every matrix in a (B, M, N) batch: return (B, N, M)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def flatten_batch(images: torch.Tensor) -> torch.Tensor:
    """Flatten every sample of a (N, C, H, W) batch: return (N, C*H*W).

    N varies: the last batch of an epoch is often smaller, and it may be 1. `images` may be
    non-contiguous.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """Merge attention heads: (B, H, T, D) -> (B, T, H*D), where out[b, t] concatenates
    x[b, 0, t], x[b, 1, t], ..., x[b, H-1, t]."""
    # YOUR CODE HERE
    raise NotImplementedError()


def drop_middle_axis(scores: torch.Tensor) -> torch.Tensor:
    """Turn (N, 1, C) scores into (N, C). N may be 1, and the result must stay 2-d."""
    # YOUR CODE HERE
    raise NotImplementedError()


def add_batch_axis(sample: torch.Tensor) -> torch.Tensor:
    """Turn one (C, H, W) sample into a batch of one, (1, C, H, W), sharing its storage."""
    # YOUR CODE HERE
    raise NotImplementedError()


def center_columns(x: torch.Tensor) -> torch.Tensor:
    """Return `x` minus the mean of each column, as a new tensor; `x` itself must not change."""
    # YOUR CODE HERE
    raise NotImplementedError()
