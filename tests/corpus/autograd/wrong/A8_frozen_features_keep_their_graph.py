"""A8: the frozen features are computed with a graph (no no_grad, no detach).

check: frozen_features
mentions: no_grad, detach and inference_mode; requires grad; torch.no_grad()
"""
import torch
import torch.nn.functional as F


def frozen_features_grad(x, w_frozen, w_head, y):
    features = torch.relu(x @ w_frozen)
    loss = F.binary_cross_entropy(torch.sigmoid(features @ w_head), y)
    (grad_head,) = torch.autograd.grad(loss, w_head)
    return features, grad_head
