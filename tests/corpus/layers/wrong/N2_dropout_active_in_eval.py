"""N2: dropout left active at evaluation: the training flag is ignored.

check: dropout_identity_in_eval
mentions: dropout is the identity in eval mode; training=False
"""
import torch


def dropout(x, p, training):
    keep = (torch.rand_like(x) >= p).to(x.dtype)
    return x * keep / (1 - p)
