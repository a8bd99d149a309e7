"""Optimizers: SGD by hand, momentum, AdamW, parameter groups, accumulation, clipping,
learning-rate schedules and a learning-rate sweep.

The checks build small models (an `nn.Sequential` of Linear, LayerNorm, Tanh and Linear,
named fc1, norm, act and fc2) and hand them to your functions with a loss function and, where
a task says so, an optimizer. With hooks they record what reaches every `optimizer.step()`:
the gradients, the learning rate, and the parameters after the step. The expected values come
from PyTorch's own optimizers and schedulers, started from the same weights on the same data.

Conventions used throughout:
- parameters are leaf tensors that require grad; after `loss.backward()` each one's `.grad`
  holds its gradient;
- `loss_fn(output, target)` returns the mean loss of a batch (as `nn.MSELoss()` does);
- clear old gradients wherever you like: `optimizer.zero_grad()` before `backward()` or after
  `step()`, with `set_to_none=True` or `False`, are all right.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn


def sgd_step(params: list[torch.Tensor], lr: float) -> None:
    """Take one step of plain gradient descent by hand, without torch.optim.

    Update every parameter `p` in `params` to `p - lr * p.grad`. The caller holds these
    tensors and trains with them afterwards: change them in place, and keep the update out of
    the autograd graph. Return None.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def momentum_step(params: list[torch.Tensor], state: dict, lr: float, momentum: float) -> None:
    """Take one step of SGD with momentum by hand, as `torch.optim.SGD(params, lr,
    momentum=momentum)` does.

    Each parameter has a momentum buffer b: on the first step b = grad, on every later step
    b = momentum * b + grad; then p = p - lr * b. `state` is a dict that is empty on the
    first call and that the caller passes again, unchanged, on every later call: keep the
    buffers in it. Update the parameters in place, outside the autograd graph. Return None.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def adam_with_decoupled_decay(params: list[torch.Tensor], lr: float,
                              weight_decay: float) -> torch.optim.Optimizer:
    """Return an optimizer for `params` that takes Adam steps with *decoupled* weight decay.

    Decoupled decay shrinks the weights directly, p = p - lr * weight_decay * p, beside
    Adam's update, instead of adding weight_decay * p to the gradient, where Adam's scaling
    would divide it away for parameters with large gradients. Use learning rate `lr`, this
    `weight_decay` and Adam's default betas and eps.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def grouped_adamw(model: nn.Module, lr: float, weight_decay: float) -> torch.optim.Optimizer:
    """Return an AdamW optimizer (learning rate `lr`) over all of `model`'s parameters, in
    two parameter groups.

    The weight matrices of Linear layers decay with `weight_decay`; biases and the weights of
    normalisation layers (such as LayerNorm) get weight_decay=0: decay would pull a
    LayerNorm's scale towards 0 and shift every bias towards 0 for no gain. Every parameter
    must be in exactly one group.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def train_accumulated(model: nn.Module, micro_batches: list[tuple[torch.Tensor, torch.Tensor]],
                      loss_fn, optimizer: torch.optim.Optimizer, accumulate: int) -> None:
    """Train with gradient accumulation: one optimizer step per `accumulate` micro-batches.

    `micro_batches` is a list of `(x, y)` pairs of equal size, and its length is a multiple of
    `accumulate`. Each step must use the gradient of the mean loss over its `accumulate`
    micro-batches, as if they were one large batch: the same step that one full batch would
    give. No gradient may carry over from one step into the next. Return None.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def clipped_step(model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn,
                 optimizer: torch.optim.Optimizer, max_norm: float) -> float:
    """Take one training step on the batch `(x, y)` with gradient-norm clipping.

    Compute the loss, backpropagate, and before the optimizer step scale the gradients so that
    their total norm (all of the model's gradients seen as one vector) is at most `max_norm`:
    gradients whose total norm is already below `max_norm` stay as they are. Return the total
    norm before clipping as a Python float.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def train_step_lr(model: nn.Module, batches: list[tuple[torch.Tensor, torch.Tensor]], loss_fn,
                  optimizer: torch.optim.Optimizer, epochs: int, step_size: int,
                  gamma: float) -> None:
    """Train for `epochs` epochs over `batches`, one optimizer step per batch, with a
    step-decay schedule of the learning rate.

    The learning rate the optimizer starts with (call it lr0) holds for the first `step_size`
    epochs; then it is multiplied by `gamma` every `step_size` epochs: every batch of epoch e
    (counting from 0) trains with lr0 * gamma ** (e // step_size). Return None.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def train_warmup(model: nn.Module, batches: list[tuple[torch.Tensor, torch.Tensor]], loss_fn,
                 optimizer: torch.optim.Optimizer, warmup_steps: int) -> None:
    """Train one epoch over `batches`, one optimizer step per batch, with a linear warm-up of
    the learning rate.

    With lr0 the learning rate the optimizer starts with, optimizer step s (counting from 0)
    uses lr0 * min(1, (s + 1) / warmup_steps): lr0 / warmup_steps for the first step, growing
    by the same amount each step until it reaches lr0. Return None.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def lr_sweep(x: torch.Tensor, y: torch.Tensor, w0: torch.Tensor, lrs: list[float],
             steps: int) -> list[list[float]]:
    """Run a learning-rate sweep on linear least squares and return one loss curve per rate.

    The model is `x @ w` with `x` (N, D), `y` (N,) and weights `w` (D,); the loss is
    F.mse_loss(x @ w, y). For each rate in `lrs`, train a fresh copy of `w0` with
    `torch.optim.SGD(lr=rate)` for `steps` steps. Its curve holds `steps + 1` Python floats:
    the loss before each step, then the loss after the last one. Every run starts from `w0`,
    which must not change.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def classify_run(losses: list[float]) -> str:
    """Say how a training run went, from its loss curve (the first loss is before training).

    Return "diverges" when the last loss is not a finite number (inf or nan) or is larger than
    the first; "converges" when the last loss is at most 1% of the first; otherwise "slow":
    the loss went down, but by less than that in the steps the run had.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def sweep_report(x: torch.Tensor, y: torch.Tensor, w0: torch.Tensor, lrs: list[float],
                 steps: int) -> list[str]:
    """Run the sweep of `lr_sweep` and report how each rate did: one label of `classify_run`
    ("diverges", "converges" or "slow") per rate, in the order of `lrs`.

    Too large a learning rate makes the loss explode; too small a one makes convergence very
    slow. Which rates are which depends on the problem, so measure them.
    """
    # YOUR CODE HERE
    raise NotImplementedError()
