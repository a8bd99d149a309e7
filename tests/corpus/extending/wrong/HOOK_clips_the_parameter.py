"""Tensor.register_hook: the parameter's values clamped instead of its gradient.

check: grad_hook_clips
also: grad_hook_removable
mentions: a tensor hook changes the gradient; clamped to [-limit, limit]
"""
import torch


def clip_gradient(param, limit):
    with torch.no_grad():
        param.clamp_(-limit, limit)
    return param.register_hook(lambda grad: grad)
