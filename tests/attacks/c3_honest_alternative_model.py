"""c3: an honest MLP that differs from the reference where the task leaves room: its layers
live under another name and it registers an extra buffer. Checks may fail it, with a message;
none may crash.

via: paths
class: 3
topic: modules
base: solution
lose: any
"""
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(num_inputs, 30), nn.ReLU(), nn.Linear(30, 20),
                                  nn.ReLU(), nn.Linear(20, num_outputs))
        self.register_buffer("calls", torch.zeros(()))

    def forward(self, x):
        self.calls += 1
        return self.body(x)
