"""E1: a Linear layer's parameter count taken as in*out, forgetting the bias.

check: count_all_parameters
also: count_excludes_frozen; count_shared_once
mentions: counting parameters; biases included
"""
from torch import nn


def count_trainable(model):
    return sum(layer.in_features * layer.out_features for layer in model.modules()
               if isinstance(layer, nn.Linear))
