"""E7: manual_seed in the wrong place: inside dropout "for reproducibility", so every call
drops the same elements and the mask no longer changes from batch to batch.

check: dropout_mask_distribution
mentions: independent Bernoulli draws; drawn anew
"""
import torch


def dropout(x, p, training):
    if not training:
        return x
    torch.manual_seed(0)
    keep = (torch.rand_like(x) >= p).to(x.dtype)
    return x * keep / (1 - p)
