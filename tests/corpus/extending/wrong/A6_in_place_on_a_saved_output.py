"""A6: the given broken version, unchanged: `gate *= x` overwrites the output torch.sigmoid
saved for its backward pass.

check: inplace_fixed
concept: in-place operations and autograd
status: error
mentions: in-place edits of saved tensors break backward; modified by an inplace operation
"""
import torch


def silu(x):
    gate = torch.sigmoid(x)
    gate *= x
    return gate
