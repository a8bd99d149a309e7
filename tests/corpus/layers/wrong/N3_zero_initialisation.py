"""N3: every weight initialised to zero: all hidden units compute the same thing, get the same
gradient, and stay copies of each other.

check: init_breaks_symmetry
also: kaiming_fan_in
mentions: random initialisation breaks symmetry; identical
"""
from torch import nn


def init_relu_mlp(model):
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)
