"""Alternative idioms: forward without ctx plus setup_context (PyTorch 2's style), the
derivative taken from the saved output (sigmoid(z) = 1 - exp(-beta * y)), once_differentiable,
hooks through get_submodule and an ExitStack, a custom Function for the gradient scaling,
F.silu.
"""
import contextlib

import torch
import torch.nn.functional as F
from torch.autograd.function import once_differentiable


class WeightedSoftplus(torch.autograd.Function):
    @staticmethod
    def forward(x, w, beta):
        return torch.logaddexp(torch.zeros((), dtype=x.dtype), beta * w * x) / beta

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, w, beta = inputs
        ctx.save_for_backward(x, w, output)
        ctx.beta = beta

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        x, w, y = ctx.saved_tensors
        slope = -torch.expm1(-ctx.beta * y)
        grad_x = grad_output * slope * w if ctx.needs_input_grad[0] else None
        grad_w = (grad_output * slope * x).sum(dim=0) if ctx.needs_input_grad[1] else None
        return grad_x, grad_w, None


class QuantizeSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, step):
        return (x / step).round() * step

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        return grad_output.clone(), None


def record_activations(model, x, names):
    records = {}
    with contextlib.ExitStack() as stack:
        for name in names:
            def hook(module, inputs, output, name=name):
                records[name] = output.clone().detach()
            stack.callback(model.get_submodule(name).register_forward_hook(hook).remove)
        model(x)
    return records


def clip_gradient(param, limit):
    return param.register_hook(lambda grad: torch.clamp(grad, min=-limit, max=limit))


class _Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, factor):
        ctx.factor = factor
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.factor, None


def scale_gradient(x, factor):
    return _Scale.apply(x, factor)


def silu(x):
    return F.silu(x)
