"""L6: softmax applied to the logits before CrossEntropyLoss.

check: parameter_trajectory
mentions: the training step; logits
also: epoch_loss_weighted; fit_history; converges_learns; converges_well
"""
import torch


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total, seen = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(torch.softmax(model(x), dim=1), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        seen += len(y)
    return total / seen
