"""Modules: nn.Module subclasses, parameters and buffers, ModuleList, seeding, logits.

Build the multilayer perceptron of the PyTorch introduction and a few small modules, count
their parameters, and turn logits into probabilities and classes. The checks construct your
classes themselves, load weights into them with load_state_dict and run them, so keep the
attribute names given below: they decide the state_dict keys.
"""

import torch
from torch import nn


class MLP(nn.Module):
    """The introduction's multilayer perceptron.

    `MLP(num_inputs, num_outputs)` keeps its layers in one nn.Sequential stored as
    `self.layers`: Linear(num_inputs, 30), ReLU, Linear(30, 20), ReLU, Linear(20, num_outputs),
    so its state_dict keys are layers.0.weight, layers.0.bias, layers.2.weight, layers.2.bias,
    layers.4.weight and layers.4.bias. MLP(50, 3) has 2213 trainable parameters.

    `forward(x)` takes a (N, num_inputs) float32 batch and returns the (N, num_outputs) logits:
    the raw outputs of the last layer, with no softmax.
    """

    def __init__(self, num_inputs: int, num_outputs: int) -> None:
        super().__init__()
        ### BEGIN SOLUTION
        self.layers = nn.Sequential(
            nn.Linear(num_inputs, 30),
            nn.ReLU(),
            nn.Linear(30, 20),
            nn.ReLU(),
            nn.Linear(20, num_outputs),
        )
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        return self.layers(x)
        ### END SOLUTION


def count_trainable(model: nn.Module) -> int:
    """Return the number of trainable parameter values in `model` as a Python int.

    Count every element of every parameter that requires grad. Frozen parameters
    (requires_grad=False) do not count, and a module used twice (the same layer object appearing
    in two places) has its parameters counted once. The model must not change.
    """
    ### BEGIN SOLUTION
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
    ### END SOLUTION


class Standardize(nn.Module):
    """Standardize features with fixed statistics: forward(x) returns (x - mean) / std.

    `Standardize(mean, std)` takes two (D,) float32 tensors. They are not trained, but they are
    part of the module's state: as `self.mean` and `self.std` they must appear in its
    state_dict under the keys "mean" and "std", move with `.to(...)` (devices and dtypes) like
    parameters do, and not be parameters (`parameters()` yields nothing).
    """

    def __init__(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        super().__init__()
        ### BEGIN SOLUTION
        self.register_buffer("mean", mean.clone())
        self.register_buffer("std", std.clone())
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        return (x - self.mean) / self.std
        ### END SOLUTION


class Stack(nn.Module):
    """`Stack(width, depth)`: `depth` layers nn.Linear(width, width), each followed by ReLU.

    Keep the layers in `self.layers`, a container the module registers, so the state_dict keys
    are layers.0.weight, layers.0.bias, ..., layers.{depth-1}.bias and every layer is trained,
    saved and moved with the module. forward(x) applies the layers in order: x = relu(layer(x)).
    """

    def __init__(self, width: int, depth: int) -> None:
        super().__init__()
        ### BEGIN SOLUTION
        self.layers = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        for layer in self.layers:
            x = torch.relu(layer(x))
        return x
        ### END SOLUTION


def seeded_mlp(num_inputs: int, num_outputs: int, seed: int) -> MLP:
    """Return MLP(num_inputs, num_outputs) with reproducible weights: the weights PyTorch's
    default initialisation draws right after torch.manual_seed(seed). The same seed must give
    the same weights every time, whatever random numbers were drawn before the call."""
    ### BEGIN SOLUTION
    torch.manual_seed(seed)
    return MLP(num_inputs, num_outputs)
    ### END SOLUTION


def predict_proba(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Return class probabilities for the batch `x`: the softmax of the model's (N, C) logits
    over the class dimension, so every row sums to 1.

    This is inference: compute it without recording a graph (the result must not require grad).
    Logits can be large (over 100); the result must still be finite.
    """
    ### BEGIN SOLUTION
    with torch.no_grad():
        return torch.softmax(model(x), dim=1)
    ### END SOLUTION


def predict_classes(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Return the predicted class of each row of `x` as a (N,) int64 tensor: the index of the
    largest logit. Compute it without recording a graph."""
    ### BEGIN SOLUTION
    with torch.no_grad():
        return model(x).argmax(dim=1)
    ### END SOLUTION
