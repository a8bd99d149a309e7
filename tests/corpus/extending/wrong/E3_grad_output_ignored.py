"""E3 (4.5): backward returns the local derivatives without multiplying by grad_output, so the
chain rule stops at this Function.

check: function_gradcheck
also: function_saved_tensors
mentions: backward's gradients pass gradcheck; finite differences; multiply by grad_output
"""
import torch


def _backward(ctx, grad_output):
    x, w = ctx.saved_tensors
    slope = torch.sigmoid(ctx.beta * w * x)
    return slope * w, (slope * x).sum(dim=0), None


WeightedSoftplus.backward = staticmethod(_backward)
