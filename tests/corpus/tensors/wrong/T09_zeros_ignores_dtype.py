"""T9: torch.zeros(x.shape) uses the default float32 instead of x's dtype.

check: like_and_new
status: failed
mentions: *_like and new_*; dtype
"""
import torch


def zeros_like_input(x):
    return torch.zeros(x.shape)
