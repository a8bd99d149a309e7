"""O2: the no-decay group is chosen by the name ending "bias", so LayerNorm's weight still
decays.

check: no_decay_on_biases_and_norms
mentions: norm.weight decayed; LayerNorm
"""
import torch


def grouped_adamw(model, lr, weight_decay):
    decay = [p for n, p in model.named_parameters() if not n.endswith("bias")]
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias")]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=lr)
