"""A5: backward() on a non-scalar output (one probability per sample).

check: input_gradient
concept: backward() on a scalar
status: error
mentions: backward() needs a scalar; grad can be implicitly created only for scalar outputs
"""
import torch


def input_saliency(x, w, b):
    inputs = x.detach().clone().requires_grad_(True)
    torch.sigmoid(inputs @ w + b).backward()
    return inputs.grad
