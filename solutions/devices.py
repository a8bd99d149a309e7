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
    ### BEGIN SOLUTION
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")
    ### END SOLUTION


def is_on(tensor: torch.Tensor, device: torch.device | str) -> bool:
    """Return True when `tensor` lives on the same kind of device as `device`.

    `device` may be a `torch.device` or a string, with or without an index: a tensor on the
    CPU is on "cpu" and on "cpu:0"; a tensor on "cuda:0" is on "cuda". Compare the device
    type, whatever index either side names.
    """
    ### BEGIN SOLUTION
    return tensor.device.type == torch.device(device).type
    ### END SOLUTION


def move_batch(batch, device: torch.device):
    """Return `batch` with every tensor moved to `device`.

    `batch` is what a DataLoader yields: a list or tuple of tensors (inputs, labels, ...) or a
    dict of tensors. Return the same kind of container, with the same keys and order; labels
    move too.
    """
    ### BEGIN SOLUTION
    if isinstance(batch, dict):
        return {key: value.to(device) for key, value in batch.items()}
    return type(batch)(value.to(device) for value in batch)
    ### END SOLUTION


def prepare(model: nn.Module, device: torch.device, lr: float):
    """Move `model` to `device` and make an SGD optimizer (learning rate `lr`, momentum 0.9)
    over its parameters. Return `(model, optimizer)`."""
    ### BEGIN SOLUTION
    model = model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    return model, optimizer
    ### END SOLUTION


class Standardize(nn.Module):
    """Standardise features with fixed statistics: `forward(x)` returns `(x - mean) / std`.

    `mean` and `std` are 1-d tensors of per-feature statistics. They are not trained, but they
    must move with the module when it is moved (`module.to(device)`) and be saved in its
    `state_dict()` under the names "mean" and "std".
    """

    def __init__(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        super().__init__()
        ### BEGIN SOLUTION
        self.register_buffer("mean", mean.clone())
        self.register_buffer("std", std.clone())
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        return (x - self.mean) / self.std
        ### END SOLUTION


def causal_scores(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """Causal attention scores for queries and keys of shape (B, T, D).

    Return the (B, T, T) scores `q @ kᵀ / sqrt(D)` with every entry above the diagonal
    (a query looking at a later key) set to -inf. Any tensor you create (the mask) must be on
    the inputs' device.
    """
    ### BEGIN SOLUTION
    steps, dim = q.shape[-2], q.shape[-1]
    scores = q @ k.transpose(-2, -1) / dim**0.5
    future = torch.ones(steps, steps, dtype=torch.bool, device=q.device).triu(1)
    return scores.masked_fill(future, float("-inf"))
    ### END SOLUTION


def weighted_loss(logits: torch.Tensor, labels: torch.Tensor,
                  class_weights: list[float]) -> torch.Tensor:
    """Cross-entropy of (N, C) `logits` against (N,) `labels`, with class `c` weighted by
    `class_weights[c]` (a Python list).

    The weight tensor you build must match the logits' device and dtype (float32 or float64).
    """
    ### BEGIN SOLUTION
    weight = torch.tensor(class_weights, device=logits.device, dtype=logits.dtype)
    return F.cross_entropy(logits, labels, weight=weight)
    ### END SOLUTION


def train_step(model: nn.Module, batch, optimizer: torch.optim.Optimizer,
               device: torch.device) -> torch.Tensor:
    """One training step on `device`.

    `model` is already on `device`; `batch` is `(inputs, labels)` on the CPU, as a DataLoader
    yields it. Move both to `device`, compute the cross-entropy of `model(inputs)` against the
    labels, backpropagate and step the optimizer; gradients of an earlier step must not leak
    into this one. Return the loss as a tensor on `device`, detached from the graph: do not
    call `.item()`, which copies to the host, waits for the device and fails on meta.
    """
    ### BEGIN SOLUTION
    inputs, labels = batch
    inputs, labels = inputs.to(device), labels.to(device)
    optimizer.zero_grad()
    loss = F.cross_entropy(model(inputs), labels)
    loss.backward()
    optimizer.step()
    return loss.detach()
    ### END SOLUTION


def load_checkpoint(path: str, device: torch.device) -> dict:
    """Load the checkpoint saved at `path` and return it with every tensor on `device`.

    The checkpoint was saved on a GPU machine (its tensors were on "cuda:0"); it must load on
    any machine, GPU or not.
    """
    ### BEGIN SOLUTION
    return torch.load(path, map_location=device)
    ### END SOLUTION
