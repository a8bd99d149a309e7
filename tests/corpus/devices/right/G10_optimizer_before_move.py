"""G10 (myth, do not penalise): the optimizer is created before model.to(device).

Also: strings from choose_device, explicit loops over the batch, frozen parameters for the
statistics, a mask from ones_like, torch.device for map_location.
"""
import torch
from torch import nn


def choose_device():
    if torch.cuda.is_available():
        return "cuda"
    return "mps" if torch.backends.mps.is_available() else "cpu"


def is_on(tensor, device):
    return torch.device(device).type == tensor.device.type


def move_batch(batch, device):
    if isinstance(batch, dict):
        moved = {}
        for key in batch:
            moved[key] = batch[key].to(device)
        return moved
    moved = [t.to(device=device) for t in batch]
    return tuple(moved) if isinstance(batch, tuple) else moved


def prepare(model, device, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    model.to(device)
    return model, optimizer


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.mean = nn.Parameter(mean.clone(), requires_grad=False)
        self.std = nn.Parameter(std.clone(), requires_grad=False)

    def forward(self, x):
        return (x - self.mean).div(self.std)


def causal_scores(q, k):
    scores = torch.matmul(q, k.mT) * q.shape[-1] ** -0.5
    allowed = torch.ones_like(scores, dtype=torch.bool).tril()
    return scores.masked_fill(~allowed, float("-inf"))


def load_checkpoint(path, device):
    return torch.load(path, map_location=torch.device(device))
