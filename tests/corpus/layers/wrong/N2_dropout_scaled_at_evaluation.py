"""N2: the original, non-inverted dropout: no scaling in training, outputs shrunk by (1 - p) at
evaluation, so eval mode is not the identity and the training outputs are too small.

check: dropout_identity_in_eval
also: dropout_scales_survivors; dropout_mask_distribution
mentions: dropout is the identity in eval mode; no scaling
"""
import torch


def dropout(x, p, training):
    if not training:
        return x * (1 - p)
    return x * (torch.rand_like(x) >= p).to(x.dtype)
