"""L3: the loop computes gradients but never calls optimizer.step().

check: optimizer_steps
mentions: one optimizer step per batch; step()
also: parameter_trajectory; fit_history; fit_steps; converges_learns; converges_well
"""


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total, seen = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        total += loss.item() * len(y)
        seen += len(y)
    return total / seen
