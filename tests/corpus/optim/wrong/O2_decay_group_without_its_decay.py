"""O2: the decaying group never gets weight_decay, so AdamW's default of 0.01 applies to the
weight matrices instead of the rate asked for.

check: decay_on_weights
mentions: weight decay on weight matrices; default 0.01
"""
import torch


def grouped_adamw(model, lr, weight_decay):
    decay = [p for p in model.parameters() if p.ndim >= 2]
    no_decay = [p for p in model.parameters() if p.ndim < 2]
    return torch.optim.AdamW([{"params": decay}, {"params": no_decay, "weight_decay": 0.0}],
                             lr=lr)
