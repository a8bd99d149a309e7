"""Every function returns zeros of the right shape and dtype on the right device (the model
moved, buffers registered, a detached loss on the device), so only the values give it away."""
import torch
from torch import nn


def choose_device():
    return torch.device("cpu")


def is_on(tensor, device):
    return True


def move_batch(batch, device):
    if isinstance(batch, dict):
        return type(batch)((key, torch.zeros_like(value, device=device))
                           for key, value in batch.items())
    return type(batch)(torch.zeros_like(value, device=device) for value in batch)


def prepare(model, device, lr):
    model = model.to(device)
    return model, torch.optim.SGD(model.parameters(), lr=0.0, momentum=0.9)


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.zeros_like(mean))
        self.register_buffer("std", torch.ones_like(std))

    def forward(self, x):
        return torch.zeros_like(x)


def causal_scores(q, k):
    return q.new_zeros(*q.shape[:2], k.shape[1])


def weighted_loss(logits, labels, class_weights):
    return (logits * 0).sum()


def train_step(model, batch, optimizer, device):
    return torch.zeros((), device=device)


def load_checkpoint(path, device):
    return {}
