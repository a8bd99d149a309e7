"""Extending autograd: custom Functions, a straight-through estimator, hooks, in-place pitfalls.

Teach autograd an operation it does not know (a torch.autograd.Function with forward and
backward), make a non-differentiable step trainable, look inside a model with forward hooks
without keeping its graph alive, change gradients on their way back with tensor hooks, and
repair an in-place edit that breaks backward.

How it is graded: your Functions run in your sandbox, at float64 points and for gradients of
the output (grad_outputs) drawn by the grader; what they return comes back as numbers, and the
grader compares them with finite differences of the task's formula that it computes itself,
as torch.autograd.gradcheck does.
"""

import torch
import torch.nn.functional as F
from torch import nn


class WeightedSoftplus(torch.autograd.Function):
    """y = softplus(beta * w * x) / beta, elementwise, with softplus(z) = log(1 + exp(z)).

    `WeightedSoftplus.apply(x, w, beta)`: `x` is (N, D), `w` is (D,) (one weight per
    feature, broadcast over the rows), `beta` a positive Python float. Returns a (N, D) tensor
    in x's dtype (float32 or float64). The derivative of softplus is the sigmoid:
    d softplus(z) / dz = sigmoid(z).

    Write both methods yourself. forward saves the tensors backward needs with
    ctx.save_for_backward (a number such as beta can be kept as an attribute of ctx).
    backward receives dL/dy and returns one gradient per input of forward, in order: dL/dx
    (shape (N, D)), dL/dw (shape (D,)), and None for beta, which is not a tensor.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, w: torch.Tensor, beta: float) -> torch.Tensor:
        # YOUR CODE HERE
        raise NotImplementedError()

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> tuple:
        # YOUR CODE HERE
        raise NotImplementedError()


class QuantizeSTE(torch.autograd.Function):
    """Round to a grid in the forward pass; pass the gradient straight through in backward.

    `QuantizeSTE.apply(x, step)` returns torch.round(x / step) * step, with x's shape and
    dtype; `step` is a positive Python float. Rounding has a zero derivative almost everywhere,
    so autograd's own gradient would stop training. A straight-through estimator uses the
    identity's gradient instead: backward returns grad_output unchanged for x, and None for
    step.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, step: float) -> torch.Tensor:
        # YOUR CODE HERE
        raise NotImplementedError()

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> tuple:
        # YOUR CODE HERE
        raise NotImplementedError()


def record_activations(model: nn.Module, x: torch.Tensor,
                       names: list[str]) -> dict[str, torch.Tensor]:
    """Run model(x) once and return {name: output} for the submodules named in `names`,
    recorded with forward hooks. Names are those of model.named_modules(), such as "0" or
    "2" for the layers of an nn.Sequential.

    The records are for looking at, not for training: they must not keep the autograd graph
    alive (no requires_grad, no grad_fn), and they must hold the values the submodule
    produced even when a later layer works in place (nn.ReLU(inplace=True) overwrites its
    input). Remove every hook you registered before returning, also when model(x) raises:
    afterwards the model has no hooks left.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def clip_gradient(param: torch.Tensor, limit: float):
    """Register a hook on the leaf tensor `param` so that, from now on, every gradient
    computed for it is clamped elementwise to [-limit, limit] before it reaches param.grad.
    Return the handle that registering gives, so that the caller can remove the hook.

    A tensor hook receives the gradient and returns the gradient to use instead; it must not
    change its argument in place. `param` itself must not change.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def scale_gradient(x: torch.Tensor, factor: float) -> torch.Tensor:
    """Return a tensor with x's values whose gradient is multiplied by `factor` on its way
    back to x (factor=-1 gives the gradient reversal layer of domain-adversarial training).

    Only the gradient that flows through the returned tensor is scaled: other uses of x keep
    theirs, so no hook may be registered on x itself. The returned tensor is in the autograd
    graph; x is left as it was.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def silu(x: torch.Tensor) -> torch.Tensor:
    """Return x * sigmoid(x) (the SiLU activation), with a working backward.

    This version computes the right values, but backward fails:

        gate = torch.sigmoid(x)
        gate *= x
        return gate

    RuntimeError: one of the variables needed for gradient computation has been modified by
    an inplace operation. torch.sigmoid saved its output for its own backward pass, and
    `gate *= x` overwrote it. Fix it: the same values, a backward that works and gives the
    right gradient, and `x` left unchanged.
    """
    # YOUR CODE HERE
    raise NotImplementedError()
