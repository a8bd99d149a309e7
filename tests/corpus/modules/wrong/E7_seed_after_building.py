"""E7: manual_seed called after the model is built, so its weights are not reproducible.

check: seeded_initialisation
mentions: reproducible initialisation with manual_seed; before building the model
"""
import torch


def seeded_mlp(num_inputs, num_outputs, seed):
    model = MLP(num_inputs, num_outputs)
    torch.manual_seed(seed)
    return model
