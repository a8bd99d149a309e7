"""Tensors: creating them from data and NumPy, choosing dtypes, converting, multiplying.

Fill in every function below. Run `torchdojo grade tensors` to check your work and
`torchdojo hint tensors` when you are stuck.
"""

import numpy as np
import torch


def scalar(value: float) -> torch.Tensor:
    """Return `value` as a 0-d (shape `()`) float32 tensor."""
    # YOUR CODE HERE
    raise NotImplementedError()


def from_data(data):
    """Return a tensor holding `data`, a number or a nested list of 1 to 3 levels.

    The dtype is inferred as PyTorch does for Python data: int64 when every value is an
    integer, float32 when any value is a float. The shape follows the nesting.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def labels_tensor(labels: list) -> torch.Tensor:
    """Return class labels (a list of ints) as a 1-d int64 tensor, ready for a loss function."""
    # YOUR CODE HERE
    raise NotImplementedError()


def share_numpy(array: np.ndarray) -> torch.Tensor:
    """Return a tensor that shares memory with `array`: writing to one changes the other.

    Keep the array's dtype.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def copy_numpy(array: np.ndarray) -> torch.Tensor:
    """Return a tensor with `array`'s values and dtype that does NOT share its memory."""
    # YOUR CODE HERE
    raise NotImplementedError()


def features_from_numpy(array: np.ndarray) -> torch.Tensor:
    """Return a float64 NumPy array as float32 features that a model's layers accept."""
    # YOUR CODE HERE
    raise NotImplementedError()


def zeros_like_input(x: torch.Tensor) -> torch.Tensor:
    """Return zeros with the shape, dtype and device of `x`."""
    # YOUR CODE HERE
    raise NotImplementedError()


def new_filled(x: torch.Tensor, shape: tuple, value: float) -> torch.Tensor:
    """Return a tensor of `shape` filled with `value`, with the dtype and device of `x`."""
    # YOUR CODE HERE
    raise NotImplementedError()


def steps(start: float, end: float, step: float) -> torch.Tensor:
    """Return the values start, start + step, ... that are strictly below `end` (float32)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def evenly_spaced(start: float, end: float, count: int) -> torch.Tensor:
    """Return `count` evenly spaced float32 values from `start` to `end`, both included."""
    # YOUR CODE HERE
    raise NotImplementedError()


def full_of(shape: tuple, value: int) -> torch.Tensor:
    """Return a float32 tensor of `shape` where every element is `value` (an int)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def random_matrix(rows: int, cols: int, seed: int) -> torch.Tensor:
    """Return a (rows, cols) matrix of standard-normal float32 values.

    Return exactly what `torch.randn(rows, cols, generator=g)` draws from a fresh generator
    `g = torch.Generator().manual_seed(seed)`: the same seed then always gives the same matrix
    (the checks compare it with that draw), and PyTorch's global random state is left
    untouched.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def random_labels(n: int, num_classes: int, seed: int) -> torch.Tensor:
    """Return `n` int64 class labels drawn uniformly from 0, 1, ..., num_classes - 1.

    Return exactly what `torch.randint(0, num_classes, (n,), generator=g)` draws from a fresh
    generator `g = torch.Generator().manual_seed(seed)` (the checks compare the labels with
    that draw; another uniform draw gives other labels); leave the global random state
    untouched.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def describe(x: torch.Tensor) -> dict:
    """Return a dict with the keys "shape" (a torch.Size), "dtype" (a torch.dtype),
    "device" (a torch.device), "ndim" (an int) and "numel" (an int) of `x`."""
    # YOUR CODE HERE
    raise NotImplementedError()


def gram(matrix: torch.Tensor) -> torch.Tensor:
    """Return the matrix product of `matrix` (m, n) with its transpose: an (m, m) result.

    For [[1, 2, 3], [4, 5, 6]] that is [[14, 32], [32, 77]].
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def batch_matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Multiply a batch of matrices: a is (batch, m, k) and b is (batch, k, n).

    Return the (batch, m, n) products, one per pair.
    """
    # YOUR CODE HERE
    raise NotImplementedError()
