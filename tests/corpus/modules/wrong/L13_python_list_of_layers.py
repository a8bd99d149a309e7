"""L13: layers kept in a plain Python list, so the module does not register them.

check: module_list_registers
also: module_list_forward
mentions: nn.ModuleList registers layers; not registered
"""
import torch
from torch import nn


class Stack(nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        self.layers = [nn.Linear(width, width) for _ in range(depth)]

    def forward(self, x):
        for layer in self.layers:
            x = torch.relu(layer(x))
        return x
