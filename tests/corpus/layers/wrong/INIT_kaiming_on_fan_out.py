"""4.4 (initialisation): Kaiming initialisation on the wrong fan: out_features taken for
fan_in (nn.Linear's weight is (out_features, in_features)).

check: kaiming_fan_in
mentions: Kaiming initialisation uses fan_in; weight.shape[1]
"""
import math

import torch
from torch import nn


def init_relu_mlp(model):
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            fan_in = layer.weight.shape[0]
            with torch.no_grad():
                layer.weight.normal_(0.0, math.sqrt(2 / fan_in))
                layer.bias.zero_()
