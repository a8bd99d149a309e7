"""E2 (4.5): the inputs kept as ctx attributes instead of ctx.save_for_backward: when the caller
changes one in place, backward silently computes a wrong gradient instead of refusing.

check: function_saved_tensors
mentions: ctx.save_for_backward guards saved tensors; silently wrong
"""
import torch
import torch.nn.functional as F


def _forward(ctx, x, w, beta):
    ctx.x, ctx.w, ctx.beta = x, w, beta
    return F.softplus(beta * w * x) / beta


def _backward(ctx, grad_output):
    slope = torch.sigmoid(ctx.beta * ctx.w * ctx.x)
    return grad_output * slope * ctx.w, (grad_output * slope * ctx.x).sum(dim=0), None


WeightedSoftplus.forward = staticmethod(_forward)
WeightedSoftplus.backward = staticmethod(_backward)
