"""N6: LayerNorm with torch.var's default, the unbiased variance, so the statistics differ
from nn.LayerNorm's.

check: layer_norm_over_features
mentions: LayerNorm normalises each sample over its features; unbiased=False
"""
import torch


def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
