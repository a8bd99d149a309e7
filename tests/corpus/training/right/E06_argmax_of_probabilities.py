"""E6 (not a mistake): accuracy from the argmax of softmax probabilities equals the argmax of
the logits; losses summed with reduction="sum"-style bookkeeping; torch.set_grad_enabled."""
import torch


def class_targets(raw):
    return torch.as_tensor(raw, dtype=torch.long) - 1


def accuracy(logits, labels):
    probabilities = torch.softmax(logits, dim=1)
    return float((probabilities.argmax(dim=1) == labels).double().mean())


def evaluate(model, loader, loss_fn):
    model.eval()
    losses, hits, sizes = [], [], []
    with torch.set_grad_enabled(False):
        for x, y in loader:
            logits = model(x)
            losses.append(loss_fn(logits, y) * len(y))
            hits.append((logits.argmax(dim=1) == y).sum())
            sizes.append(len(y))
    n = sum(sizes)
    return torch.stack(losses).sum().item() / n, torch.stack(hits).sum().item() / n
