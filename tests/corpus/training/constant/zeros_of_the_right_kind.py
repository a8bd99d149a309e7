"""Every function returns zeros of the right type (int64 targets, Python floats, a history of
one float per epoch) and leaves the model alone, so only the values give it away."""
import torch


def class_targets(raw):
    return torch.zeros(len(raw), dtype=torch.int64)


def accuracy(logits, labels):
    return 0.0


def train_epoch(model, loader, loss_fn, optimizer):
    return 0.0


def evaluate(model, loader, loss_fn):
    return 0.0, 0.0


def fit(model, train_loader, val_loader, epochs, lr):
    return {"train_loss": [0.0] * epochs, "val_loss": [0.0] * epochs,
            "val_accuracy": [0.0] * epochs}
