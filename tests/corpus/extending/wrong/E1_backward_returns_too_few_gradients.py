"""E1 (4.5): backward returns a gradient for each tensor but nothing for beta: autograd wants one
value per input of forward.

check: function_gradcheck
concept: one gradient per input of forward
also: function_saved_tensors
status: error
mentions: one gradient per input of forward; incorrect number of gradients; None for every
"""
import torch


def _backward(ctx, grad_output):
    x, w = ctx.saved_tensors
    slope = torch.sigmoid(ctx.beta * w * x)
    return grad_output * slope * w, (grad_output * slope * x).sum(dim=0)


WeightedSoftplus.backward = staticmethod(_backward)
