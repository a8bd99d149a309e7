"""N6: LayerNorm statistics taken over the batch dimension, BatchNorm's way.

check: layer_norm_over_features
mentions: LayerNorm normalises each sample over its features; last dimension only
"""
import torch


def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=0, keepdim=True)
    var = x.var(dim=0, unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
