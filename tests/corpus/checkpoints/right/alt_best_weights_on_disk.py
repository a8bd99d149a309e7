"""The best weights kept in a file (torch.save copies), safe_globals-free loading, and
checkpoints written through a temporary file then renamed."""
import os

import torch


def save_checkpoint(model, optimizer, epoch, path):
    partial = f"{path}.partial"
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "epoch": int(epoch)}, partial)
    os.replace(partial, path)


def train_keep_best(model, train_epoch, validate, epochs):
    best_loss, best_epoch = None, 0
    for epoch in range(1, epochs + 1):
        train_epoch()
        loss = float(validate())
        if best_loss is None or loss < best_loss:
            best_loss, best_epoch = loss, epoch
            torch.save(model.state_dict(), "best.pt")
    model.load_state_dict(torch.load("best.pt", map_location="cpu", weights_only=True))
    return best_epoch
