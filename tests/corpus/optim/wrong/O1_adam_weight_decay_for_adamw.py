"""O1: Adam(weight_decay=...) used as AdamW: the decay goes into the gradient (L2), where
Adam's scaling divides it away, instead of shrinking the weights directly.

check: decoupled_weight_decay
mentions: decoupled weight decay (AdamW, not Adam); L2; torch.optim.AdamW
"""
import torch


def adam_with_decoupled_decay(params, lr, weight_decay):
    return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
