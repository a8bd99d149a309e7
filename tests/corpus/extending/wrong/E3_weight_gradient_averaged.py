"""E3 (4.5): the gradient of the shared weight averaged over the batch instead of summed.

check: function_gradcheck
also: function_saved_tensors
mentions: backward's gradients pass gradcheck; sum dL/dw over the rows
"""
import torch


def _backward(ctx, grad_output):
    x, w = ctx.saved_tensors
    slope = torch.sigmoid(ctx.beta * w * x)
    return grad_output * slope * w, (grad_output * slope * x).mean(dim=0), None


WeightedSoftplus.backward = staticmethod(_backward)
