"""E1 (4.5): backward returns a zero "gradient" for beta, a Python float: only tensors get
gradients, every other input gets None.

check: function_gradcheck
concept: one gradient per input of forward
also: function_saved_tensors
status: error
mentions: one gradient per input of forward; different than None
"""
import torch


def _backward(ctx, grad_output):
    x, w = ctx.saved_tensors
    slope = torch.sigmoid(ctx.beta * w * x)
    return grad_output * slope * w, (grad_output * slope * x).sum(dim=0), torch.zeros(())


WeightedSoftplus.backward = staticmethod(_backward)
