"""L7: validation without model.eval(): Dropout stays on while measuring.

check: eval_mode_in_validation
mentions: eval() for validation; model.training
also: validation_metrics; fit_history; fit_switches_modes
"""
import torch


def evaluate(model, loader, loss_fn):
    total, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            total += loss_fn(logits, y).item() * len(y)
            correct += (logits.argmax(dim=1) == y).sum().item()
            seen += len(y)
    return total / seen, correct / seen
