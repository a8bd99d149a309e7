"""A1: reading .grad of a non-leaf tensor without retain_grad(): it is None.

check: retain_grad_non_leaf
mentions: leaf and non-leaf tensors; ['z']; retain_grad()
"""
import torch
import torch.nn.functional as F


def hidden_grads(x, w, b, y):
    z = x @ w + b
    F.binary_cross_entropy(torch.sigmoid(z), y).backward()
    return {"w": w.grad, "z": z.grad}
