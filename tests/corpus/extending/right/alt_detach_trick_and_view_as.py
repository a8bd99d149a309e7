"""Alternative idioms: a straight-through Function whose forward uses the detach trick, tensor
hooks on x.view_as(x), hooks that also run when the forward pass raises (always_call), and
out-of-place multiplication in the other order.
"""
import torch
import torch.nn.functional as F


class WeightedSoftplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, beta):
        z = beta * w * x
        ctx.save_for_backward(z, x, w)
        ctx.beta = beta
        return F.softplus(z, beta=1.0, threshold=30.0) / beta

    @staticmethod
    def backward(ctx, grad_output):
        z, x, w = ctx.saved_tensors
        grad_z = grad_output * torch.sigmoid(z)
        return grad_z * w, torch.einsum("nd,nd->d", grad_z, x), None


class QuantizeSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, step):
        return x + (torch.round(x / step) * step - x).detach()

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output, None


def record_activations(model, x, names):
    records, handles = {}, []
    modules = dict(model.named_modules())
    try:
        for name in names:
            handles.append(modules[name].register_forward_hook(
                lambda module, inputs, output, key=name: records.update({key: output.detach()
                                                                         .clone()}),
                always_call=True))
        model(x)
    finally:
        while handles:
            handles.pop().remove()
    return records


def clip_gradient(param, limit):
    def clip(grad):
        return grad.clamp(-limit, limit)

    handle = param.register_hook(clip)
    return handle


def scale_gradient(x, factor):
    y = x.view_as(x)
    y.register_hook(lambda grad: factor * grad)
    return y


def silu(x):
    return torch.sigmoid(x) * x
