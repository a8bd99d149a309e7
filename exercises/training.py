"""Training: the loop that fits a classifier, and the validation pass that measures it.

The checks build a small classifier (a `torch.nn.Sequential` with Dropout, so train and eval
modes behave differently), fixed data and DataLoaders, and hand them to your functions. They
record, with hooks, how many optimizer steps you take, which mode the model is in and whether
gradients are tracked during each forward pass, and they compare the parameters after every
step with the reference loop started from the same weights and the same seed.

Conventions used throughout:
- a model returns *logits* (raw scores), one row per sample; `nn.CrossEntropyLoss` applies
  log-softmax itself;
- class labels are int64 tensors holding class indices 0 .. C-1;
- a DataLoader yields `(features, labels)` batches, and its last batch may be smaller.
"""

import torch
from torch import nn


def class_targets(raw: torch.Tensor) -> torch.Tensor:
    """Turn class numbers as read from a CSV file into targets for `nn.CrossEntropyLoss`.

    `raw` is a 1-d float32 tensor of class numbers 1 .. C (whole numbers such as 1.0, 3.0).
    Return a 1-d int64 tensor of the same length with the class indices 0 .. C-1: the class
    numbered k becomes index k - 1.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Return the fraction of rows whose highest logit is at the true class, as a float.

    `logits` has shape (N, C) and `labels` shape (N,) (int64 class indices). Return a Python
    float in [0, 1], not a tensor.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def train_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    """Train `model` for one epoch over `loader` and return the epoch's mean loss as a float.

    - Put the model in training mode first: the caller may have left it in eval mode after a
      validation pass.
    - For every batch `(x, y)`: clear the old gradients, compute `loss_fn(model(x), y)` on the
      logits, backpropagate, and take exactly one optimizer step.
    - The mean loss is weighted by batch size: the sum over batches of (batch loss x batch
      size), divided by the number of samples seen. Return it as a Python float, without
      keeping the autograd graph alive.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def evaluate(model: nn.Module, loader, loss_fn) -> tuple[float, float]:
    """Measure `model` on `loader` and return `(mean_loss, accuracy)`, two Python floats.

    Put the model in evaluation mode (Dropout off) and run every forward pass without
    tracking gradients. `mean_loss` is weighted by batch size as in `train_epoch`;
    `accuracy` is the number of correctly classified samples divided by the number of
    samples. Never update the parameters here.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def fit(model: nn.Module, train_loader, val_loader, epochs: int, lr: float) -> dict:
    """Train `model` for `epochs` epochs and validate it after each one.

    Use `torch.optim.SGD(model.parameters(), lr=lr)` (no momentum) and
    `nn.CrossEntropyLoss()`. Each epoch trains once over `train_loader`, then validates once
    over `val_loader` (as `train_epoch` and `evaluate` do). Return a dict of three lists, one
    float per epoch: `{"train_loss": [...], "val_loss": [...], "val_accuracy": [...]}`.
    """
    # YOUR CODE HERE
    raise NotImplementedError()
