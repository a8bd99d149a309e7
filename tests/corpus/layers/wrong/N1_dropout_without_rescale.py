"""N1: hand-written dropout that zeroes elements but forgets the 1/(1-p) scaling.

check: dropout_scales_survivors
also: dropout_mask_distribution
mentions: inverted dropout scales by 1/(1-p); multiplied by 1 / (1 - p)
"""
import torch


def dropout(x, p, training):
    if not training:
        return x
    return x * (torch.rand_like(x) >= p)
