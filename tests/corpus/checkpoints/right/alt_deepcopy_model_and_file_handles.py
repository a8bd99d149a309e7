"""A deep copy of the whole model for the best weights, file handles, map_location as a device,
train(False) for eval, and G10 (myth, do not penalise): model.to() after the optimizer exists."""
import copy

import torch


def save_checkpoint(model, optimizer, epoch, path):
    with open(path, "wb") as handle:
        torch.save(dict(model=model.state_dict(), optimizer=optimizer.state_dict(),
                        epoch=epoch), handle)


def load_checkpoint(model, optimizer, path):
    with open(path, "rb") as handle:
        checkpoint = torch.load(handle, map_location=torch.device("cpu"), weights_only=True)
    model.load_state_dict(checkpoint["model"], strict=True)
    model.to("cpu")  # Module.to keeps the Parameter objects the optimizer holds
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"]


def load_for_inference(model, path):
    model.load_state_dict(torch.load(path, weights_only=True, map_location="cpu"))
    model.train(False)


def train_keep_best(model, train_epoch, validate, epochs):
    best = None
    for epoch in range(1, epochs + 1):
        train_epoch()
        loss = validate()
        if best is None or loss < best[0]:
            best = (loss, epoch, copy.deepcopy(model))
    model.load_state_dict(best[2].state_dict())
    return best[1]
