"""O7: Adam with lr=1.0, a thousand times the usual step: the loss jumps and never settles.

check: loss_curve_falls
mentions: a falling loss curve; learning rate
also: losses_are_cross_entropy; accuracy_learns; accuracy_good; accuracy_excellent
"""
import torch
from torch import nn


def train(model, train_ds, val_ds, epochs, seed):
    torch.manual_seed(seed)
    loader = DataLoader(train_ds, batch_size=32, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.Adam(model.parameters(), lr=1.0)
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
