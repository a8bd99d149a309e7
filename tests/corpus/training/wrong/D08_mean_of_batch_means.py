"""D8: the epoch loss is the mean of the batch means, over-weighting the smaller last batch.

check: epoch_loss_weighted
mentions: epoch loss weighted by batch size; batch size
also: fit_history
"""


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    losses = []
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
