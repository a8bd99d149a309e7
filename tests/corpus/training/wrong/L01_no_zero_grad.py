"""L1: optimizer.zero_grad() is never called, so gradients pile up batch after batch.

check: parameter_trajectory
mentions: the training step; leaking in; zero_grad
also: fit_history; converges_learns; converges_well
"""


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total, seen = 0.0, 0
    for x, y in loader:
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        seen += len(y)
    return total / seen
