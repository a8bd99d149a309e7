"""A forward loop over the Sequential, named_parameters, ModuleList.append, fork_rng for the
seed, F.softmax under inference_mode."""
import torch
import torch.nn.functional as F
from torch import nn


class MLP(nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super().__init__()
        sizes = [num_inputs, 30, 20]
        layers = []
        for fan_in, fan_out in zip(sizes, sizes[1:], strict=False):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        layers.append(nn.Linear(sizes[-1], num_outputs))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def count_trainable(model):
    return sum(p.numel() for _, p in model.named_parameters() if p.requires_grad)


class Stack(nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        self.layers = nn.ModuleList()
        for _ in range(depth):
            self.layers.append(nn.Linear(width, width))

    def forward(self, x):
        for layer in self.layers:
            x = F.relu(layer(x))
        return x


def seeded_mlp(num_inputs, num_outputs, seed):
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return MLP(num_inputs, num_outputs)


def predict_proba(model, x):
    with torch.inference_mode():
        return F.softmax(model(x), dim=-1)
