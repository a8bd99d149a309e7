"""D12: the DataLoader's generator is made and seeded once, when the module is imported, so
every call of train goes on where the last one stopped: the same seed gives another order.

check: reproducible_with_seed
mentions: reproducible training; seed
"""
import torch
from torch import nn

ORDER = torch.Generator().manual_seed(0)


def train(model, train_ds, val_ds, epochs, seed):
    torch.manual_seed(seed)
    loader = DataLoader(train_ds, batch_size=32, shuffle=True, generator=ORDER)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    history = {"train_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        model.train()
        total = 0.0
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        history["train_loss"].append(total / len(train_ds))
        history["val_accuracy"].append(evaluate(model, val_ds))
    return history
