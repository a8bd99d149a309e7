"""A4: a second backward pass through a graph the first pass already freed.

check: retain_graph_second_pass
concept: retain_graph
status: error
mentions: retain_graph; Trying to backward through the graph a second time
"""
import torch
import torch.nn.functional as F


def two_grads_one_graph(x, w, b, y):
    a = torch.sigmoid(x @ w + b)
    (grad_loss,) = torch.autograd.grad(F.binary_cross_entropy(a, y), w)
    (grad_mean,) = torch.autograd.grad(a.mean(), w)
    return grad_loss, grad_mean
