"""Every class has the right structure (layers, parameters, buffers, state_dict keys) and
returns zeros of the right shape; every function returns a constant of the right type, so only
the behaviour gives it away."""
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super().__init__()
        self.num_outputs = num_outputs
        self.layers = nn.Sequential(nn.Linear(num_inputs, 30), nn.ReLU(), nn.Linear(30, 20),
                                    nn.ReLU(), nn.Linear(20, num_outputs))

    def forward(self, x):
        return self.layers(x) * 0


def count_trainable(model):
    return 0


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.zeros_like(mean))
        self.register_buffer("std", torch.ones_like(std))

    def forward(self, x):
        return torch.zeros_like(x)


class Stack(nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))

    def forward(self, x):
        return torch.zeros_like(x)


def seeded_mlp(num_inputs, num_outputs, seed):
    model = MLP(num_inputs, num_outputs)
    for p in model.parameters():
        nn.init.zeros_(p)
    return model


def predict_proba(model, x):
    with torch.no_grad():
        return torch.zeros(len(x), model(x).shape[1])


def predict_classes(model, x):
    return torch.zeros(len(x), dtype=torch.int64)
