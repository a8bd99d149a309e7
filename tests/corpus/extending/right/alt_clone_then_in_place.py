"""Alternative idioms: an in-place edit on a copy nobody saved (clone first), ctx attributes
for numbers only, the straight-through gradient as a new tensor, a hook that clips with
torch.where, and records taken with a global forward hook filtered by module.
"""
import torch
from torch import nn


class WeightedSoftplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, beta):
        ctx.beta = beta
        ctx.save_for_backward(x, w)
        z = beta * w * x
        return torch.where(z > 20, z, torch.log1p(torch.exp(z))) / beta

    @staticmethod
    def backward(ctx, grad_output):
        x, w = ctx.saved_tensors
        slope = torch.sigmoid(ctx.beta * w * x)
        grad_x = grad_output * slope * w
        grad_w = (grad_output * slope * x).sum(dim=0)
        return grad_x, grad_w, None


class QuantizeSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, step):
        return torch.round(x / step) * step

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 1.0, None


def record_activations(model, x, names):
    wanted = {module: name for name, module in model.named_modules() if name in names}
    records = {}

    def hook(module, inputs, output):
        if module in wanted:
            records[wanted[module]] = output.detach().clone()

    handle = nn.modules.module.register_module_forward_hook(hook)
    try:
        model(x)
    finally:
        handle.remove()
    return records


def clip_gradient(param, limit):
    return param.register_hook(
        lambda grad: torch.where(grad.abs() > limit, grad.sign() * limit, grad))


def scale_gradient(x, factor):
    y = x * 1.0
    y.register_hook(lambda grad: grad * factor)
    return y


def silu(x):
    gate = torch.sigmoid(x).clone()
    gate *= x
    return gate
