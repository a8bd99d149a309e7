"""A9: no_grad wrapped around the training forward pass, so backward() has no graph.

check: backward_fills_grad
concept: the autograd graph
status: error
also: intro_example
mentions: backward() fills .grad; requires_grad=True; no_grad
"""
import torch


def grads_with_backward(x, w, b, y):
    with torch.no_grad():
        loss = logistic_loss(x, w, b, y)
    loss.backward()
    return loss.item()
