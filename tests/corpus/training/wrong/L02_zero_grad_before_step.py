"""L2: zero_grad() between backward() and step() throws the gradients away.

check: parameter_trajectory
mentions: the training step; did not move
also: fit_history; converges_learns; converges_well
"""


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total, seen = 0.0, 0
    for x, y in loader:
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        total += loss.item() * len(y)
        seen += len(y)
    return total / seen
