"""L9: validation runs without torch.no_grad(), building graphs nobody uses.

check: no_grad_in_validation
mentions: no_grad() for validation; is_grad_enabled
also: fit_switches_modes
"""


def evaluate(model, loader, loss_fn):
    model.eval()
    total, correct, seen = 0.0, 0, 0
    for x, y in loader:
        logits = model(x)
        total += loss_fn(logits, y).item() * len(y)
        correct += (logits.argmax(dim=1) == y).sum().item()
        seen += len(y)
    return total / seen, correct / seen
