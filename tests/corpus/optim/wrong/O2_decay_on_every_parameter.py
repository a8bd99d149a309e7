"""O2: weight decay on every parameter, biases and LayerNorm weights included (one group).

check: no_decay_on_biases_and_norms
mentions: no weight decay on biases and norm weights; decayed; weight_decay=0
"""
import torch


def grouped_adamw(model, lr, weight_decay):
    return torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
