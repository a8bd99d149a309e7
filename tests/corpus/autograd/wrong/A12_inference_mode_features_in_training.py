"""A12: features made under inference_mode reused in training: they cannot be saved for backward.

check: frozen_features
concept: inference_mode
status: error
mentions: no_grad, detach and inference_mode; Inference tensors cannot be saved for backward
"""
import torch
import torch.nn.functional as F


def frozen_features_grad(x, w_frozen, w_head, y):
    with torch.inference_mode():
        features = torch.relu(x @ w_frozen)
    loss = F.binary_cross_entropy(torch.sigmoid(features @ w_head), y)
    (grad_head,) = torch.autograd.grad(loss, w_head)
    return features, grad_head
