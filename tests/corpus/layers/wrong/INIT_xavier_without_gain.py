"""4.4 (initialisation): Xavier initialisation for tanh layers without tanh's gain, so
activations shrink from layer to layer.

check: xavier_uniform_tanh
mentions: Xavier initialisation uses fan_in and fan_out; gain = 5/3
"""
from torch import nn


def init_tanh_mlp(model):
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
