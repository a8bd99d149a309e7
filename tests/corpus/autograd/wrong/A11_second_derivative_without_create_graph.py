"""A11: a second derivative without create_graph=True: the first gradient has no graph.

check: second_derivative
status: error
mentions: second derivatives need create_graph; does not require grad
"""
import torch


def curvature(x, w, b, y):
    loss = logistic_loss(x, w, b, y)
    (grad_b,) = torch.autograd.grad(loss, b)
    (second,) = torch.autograd.grad(grad_b.sum(), b)
    return second.item()
