"""A6: the "fix" moves the in-place edit onto x, a leaf that requires grad.

check: inplace_fixed
concept: in-place operations on leaf tensors
status: error
mentions: in-place edits of saved tensors break backward; in-place operation; compute a new tensor
"""
import torch


def silu(x):
    return x.mul_(torch.sigmoid(x))
