"""L10: total_loss += loss keeps a tensor (and its graph) instead of a float.

check: losses_are_floats
mentions: losses as Python floats; requires grad; loss.item()
"""


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total, seen = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss * len(y)
        seen += len(y)
    return total / seen
