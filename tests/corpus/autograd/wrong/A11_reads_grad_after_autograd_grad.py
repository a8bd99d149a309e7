"""A11: expecting torch.autograd.grad to fill .grad; it returns the gradients instead.

check: autograd_grad_values
also: intro_example
mentions: torch.autograd.grad returns gradients; is a None; does not fill w.grad
"""
import torch


def grads_with_autograd_grad(x, w, b, y):
    loss = logistic_loss(x, w, b, y)
    torch.autograd.grad(loss, [w, b])
    return w.grad, b.grad
