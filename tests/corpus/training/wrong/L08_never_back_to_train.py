"""L8: train_epoch never calls model.train(), so after the first validation Dropout stays off.

check: train_mode_in_training
mentions: train() before training; model.train()
also: fit_history; fit_switches_modes
"""


def train_epoch(model, loader, loss_fn, optimizer):
    total, seen = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        seen += len(y)
    return total / seen
