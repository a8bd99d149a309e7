"""The training loop also learns from the validation set ("use all the data"): the validation
accuracy then measures images the model has seen and no longer tells how it does on new ones.

check: validates_on_validation_data
mentions: validating on held-out data; validation samples; held out of training
also: accuracy_learns; accuracy_good; accuracy_excellent
"""
import torch
from torch import nn
from torch.utils.data import ConcatDataset


def train(model, train_ds, val_ds, epochs, seed):
    torch.manual_seed(seed)
    everything = ConcatDataset([train_ds, val_ds])
    loader = DataLoader(everything, batch_size=32, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
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
        history["train_loss"].append(total / len(everything))
        history["val_accuracy"].append(evaluate(model, val_ds))
    return history
