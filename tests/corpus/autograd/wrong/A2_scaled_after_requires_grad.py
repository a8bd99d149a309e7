"""A2: scaling after requires_grad=True makes a non-leaf that no optimizer accepts.

check: leaf_parameters
concept: leaf tensors
status: error
mentions: parameters must be leaf tensors; can't optimize a non-leaf Tensor
"""
import torch


def new_weights(n_in, n_out, seed):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n_in, n_out, generator=generator, requires_grad=True) * 0.01
