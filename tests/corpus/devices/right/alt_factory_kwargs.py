"""Factory keyword arguments (device=, dtype=) everywhere, and zero_grad before backward."""
import math

import torch
import torch.nn.functional as F
from torch import nn


def choose_device():
    kind = "cuda" if torch.cuda.is_available() else "cpu"
    if kind == "cpu" and torch.backends.mps.is_available():
        kind = "mps"
    return torch.device(kind, 0) if kind == "cuda" else torch.device(kind)


def move_batch(batch, device):
    if isinstance(batch, (list, tuple)):
        return type(batch)(map(lambda t: t.to(device), batch))
    return dict(zip(batch.keys(), (v.to(device) for v in batch.values()), strict=True))


def prepare(model, device, lr):
    moved = model.to(device=device)
    return moved, torch.optim.SGD(moved.parameters(), lr, momentum=0.9)


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean).detach().clone())
        self.register_buffer("std", torch.as_tensor(std).detach().clone(), persistent=True)

    def forward(self, x):
        return torch.sub(x, self.mean) / self.std


def causal_scores(q, k):
    steps = q.size(1)
    scores = torch.bmm(q, k.transpose(1, 2)) / math.sqrt(q.size(-1))
    rows = torch.arange(steps, device=q.device)
    return scores.masked_fill(rows[None, :] > rows[:, None], -math.inf)


def weighted_loss(logits, labels, class_weights):
    weight = torch.as_tensor(class_weights, dtype=logits.dtype, device=logits.device)
    per_sample = F.cross_entropy(logits, labels, reduction="none") * weight[labels]
    return per_sample.sum() / weight[labels].sum()


def train_step(model, batch, optimizer, device):
    optimizer.zero_grad()
    inputs, labels = batch
    loss = nn.CrossEntropyLoss()(model(inputs.to(device)), labels.to(device))
    loss.backward()
    optimizer.step()
    return loss.detach().clone()
