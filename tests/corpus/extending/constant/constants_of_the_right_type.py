"""Hard-coded answers: every function and method returns a constant of the right type
(zeros for tensors, an empty record, a handle of a hook that does nothing). No check may award
it a point.

whole: true
"""
import torch


class WeightedSoftplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, beta):
        ctx.save_for_backward(x, w)
        return torch.zeros_like(x)

    @staticmethod
    def backward(ctx, grad_output):
        x, w = ctx.saved_tensors
        return torch.zeros_like(x), torch.zeros_like(w), None


class QuantizeSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, step):
        return torch.zeros_like(x)

    @staticmethod
    def backward(ctx, grad_output):
        return torch.zeros_like(grad_output), None


def record_activations(model, x, names):
    return {name: torch.zeros(len(x), 1) for name in names}


def clip_gradient(param, limit):
    return param.register_hook(lambda grad: grad)


def scale_gradient(x, factor):
    return torch.zeros_like(x).requires_grad_(True)


def silu(x):
    return torch.zeros_like(x).requires_grad_(True)
