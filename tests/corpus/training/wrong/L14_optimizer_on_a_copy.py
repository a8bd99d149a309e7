"""L14: the optimizer holds the parameters of another model instance (a copy), so the model
that is trained and measured never changes.

check: converges_learns
mentions: convergence: the model learns; model.parameters()
also: converges_well; fit_history
"""
import copy

import torch
from torch import nn


def fit(model, train_loader, val_loader, epochs, lr):
    optimizer = torch.optim.SGD(copy.deepcopy(model).parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        model.train()
        total, seen = 0.0, 0
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total, seen = total + loss.item() * len(y), seen + len(y)
        history["train_loss"].append(total / seen)
        model.eval()
        total, correct, seen = 0.0, 0, 0
        with torch.no_grad():
            for x, y in val_loader:
                logits = model(x)
                total += loss_fn(logits, y).item() * len(y)
                correct += (logits.argmax(dim=1) == y).sum().item()
                seen += len(y)
        history["val_loss"].append(total / seen)
        history["val_accuracy"].append(correct / seen)
    return history
