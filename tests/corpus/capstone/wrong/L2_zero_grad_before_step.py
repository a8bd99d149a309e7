"""L2: zero_grad() between backward() and step() wipes the gradients before the step: the
model never changes.

check: gradients_cleared
mentions: gradients cleared before every step; no gradients at all
also: loss_curve_falls; losses_are_floats; losses_are_cross_entropy; reshuffled_each_epoch
also: train_mode_for_training; eval_mode_for_measuring; no_grad_for_measuring
also: evaluate_measures_accuracy; validates_on_validation_data; predict_prepares_like_training
also: reproducible_with_seed; accuracy_learns; accuracy_good; accuracy_excellent
"""
import torch
from torch import nn


def train(model, train_ds, val_ds, epochs, seed):
    torch.manual_seed(seed)
    loader = DataLoader(train_ds, batch_size=32, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    history = {"train_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        model.train()
        total = 0.0
        for x, y in loader:
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.zero_grad()
            optimizer.step()
            total += loss.item() * len(y)
        history["train_loss"].append(total / len(train_ds))
        history["val_accuracy"].append(evaluate(model, val_ds))
    return history
