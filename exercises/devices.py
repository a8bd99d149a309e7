"""Devices: code that runs unchanged on a CPU, a GPU or any other device.

Every function here takes the device it must work on (or reads it from its input tensors) and
never names one itself. The checks run your code on `cpu` and on `meta`, a device every PyTorch
build has: meta tensors carry shapes and dtypes but no data, so forward, backward and optimizer
steps all run, and a tensor left on the CPU raises "Tensor on device cpu is not on the expected
device meta!". Where a CUDA GPU exists, the checks run on `cuda` too.
"""

import torch
import torch.nn.functional as F  # noqa: F401 (for your code)
from torch import nn


def choose_device() -> torch.device:
    """Return the best device this machine offers: CUDA if available, else Apple's MPS if
    available, else the CPU.

    Return a `torch.device` (a string such as "cuda" is accepted too). Ask PyTorch what is
    available; the checks simulate machines with and without a GPU.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def is_on(tensor: torch.Tensor, device: torch.device | str) -> bool:
    """Return True when `tensor` lives on the same kind of device as `device`.

    `device` may be a `torch.device` or a string, with or without an index: a tensor on the
    CPU is on "cpu" and on "cpu:0"; a tensor on "cuda:0" is on "cuda". Compare the device
    type, whatever index either side names.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def move_batch(batch, device: torch.device):
    """Return `batch` with every tensor moved to `device`.

    `batch` is what a DataLoader yields: a list or tuple of tensors (inputs, labels, ...) or a
    dict of tensors. Return the same kind of container, with the same keys and order; labels
    move too.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def prepare(model: nn.Module, device: torch.device, lr: float):
    """Move `model` to `device` and make an SGD optimizer (learning rate `lr`, momentum 0.9)
    over its parameters. Return `(model, optimizer)`."""
    # YOUR CODE HERE
    raise NotImplementedError()


class Standardize(nn.Module):
    """Standardise features with fixed statistics: `forward(x)` returns `(x - mean) / std`.

    `mean` and `std` are 1-d tensors of per-feature statistics. They are not trained, but they
    must move with the module when it is moved (`module.to(device)`) and be saved in its
    `state_dict()` under the names "mean" and "std".
    """

    def __init__(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        super().__init__()
        # YOUR CODE HERE
        raise NotImplementedError()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # YOUR CODE HERE
        raise NotImplementedError()


def causal_scores(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """Causal attention scores for queries and keys of shape (B, T, D).

    Return the (B, T, T) scores `q @ kᵀ / sqrt(D)` with every entry above the diagonal
    (a query looking at a later key) set to -inf. Any tensor you create (the mask) must be on
    the inputs' device.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def weighted_loss(logits: torch.Tensor, labels: torch.Tensor,
                  class_weights: list[float]) -> torch.Tensor:
    """Cross-entropy of (N, C) `logits` against (N,) `labels`, with class `c` weighted by
    `class_weights[c]` (a Python list).

    The weight tensor you build must match the logits' device and dtype (float32 or float64).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def train_step(model: nn.Module, batch, optimizer: torch.optim.Optimizer,
               device: torch.device) -> torch.Tensor:
    """One training step on `device`.

    `model` is already on `device`; `batch` is `(inputs, labels)` on the CPU, as a DataLoader
    yields it. Move both to `device`, compute the cross-entropy of `model(inputs)` against the
    labels, backpropagate and step the optimizer; gradients of an earlier step must not leak
    into this one. Return the loss as a tensor on `device`, detached from the graph: do not
    call `.item()`, which copies to the host, waits for the device and fails on meta.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def load_checkpoint(path: str, device: torch.device) -> dict:
    """Load the checkpoint saved at `path` and return it with every tensor on `device`.

    The checkpoint was saved on a GPU machine (its tensors were on "cuda:0"); it must load on
    any machine, GPU or not.
    """
    # YOUR CODE HERE
    raise NotImplementedError()
