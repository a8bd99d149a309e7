"""E3 (4.5): the derivative of softplus taken at x instead of at beta * w * x.

check: function_gradcheck
also: function_saved_tensors
mentions: backward's gradients pass gradcheck; apply the chain rule
"""
import torch


def _backward(ctx, grad_output):
    x, w = ctx.saved_tensors
    slope = torch.sigmoid(x)
    return grad_output * slope * w, (grad_output * slope * x).sum(dim=0), None


WeightedSoftplus.backward = staticmethod(_backward)
