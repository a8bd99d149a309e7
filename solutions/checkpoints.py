"""Checkpoints: saving and loading state_dicts safely, resuming training, keeping the best.

A checkpoint holds state_dicts (tensors and plain numbers), never a pickled module or optimizer
object. Checkpoints travel between people and machines, so a file you load may have been saved
on a GPU, or may have been crafted to run code when unpickled: load with
torch.load(path, weights_only=True), which refuses anything but tensors and plain data, and pass
it explicitly, whatever the environment's default is. The checks give you file paths in the
current working directory.
"""

import copy
from collections.abc import Callable

import torch
from torch import nn


def save_checkpoint(model: nn.Module, optimizer: torch.optim.Optimizer, epoch: int,
                    path: str) -> None:
    """Save a checkpoint to `path` with torch.save: the dict
    {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}.

    The file must load with torch.load(path, weights_only=True). The model and the optimizer
    must not change.
    """
    ### BEGIN SOLUTION
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                  "epoch": epoch}
    torch.save(checkpoint, path)
    ### END SOLUTION


def load_checkpoint(model: nn.Module, optimizer: torch.optim.Optimizer, path: str) -> int:
    """Restore `model` and `optimizer` in place from a checkpoint written as save_checkpoint
    writes it, and return the saved epoch as an int.

    - Load safely: torch.load(path, weights_only=True). A file carrying pickled code must make
      this function raise, never run the code (no retry with weights_only=False).
    - The file may have been saved on a GPU: map every tensor to the CPU.
    - The model's state_dict keys must match the saved ones exactly (strict loading).
    The model and optimizer objects stay the same objects; only their state changes.
    """
    ### BEGIN SOLUTION
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return int(checkpoint["epoch"])
    ### END SOLUTION


def load_for_inference(model: nn.Module, path: str) -> None:
    """Load the weights in `path`, a file written by torch.save(other_model.state_dict(), path),
    into `model` and make it ready for inference. Return None.

    - Load safely and to the CPU, as in load_checkpoint.
    - Load strictly: when the file's keys and the model's differ, raise an error whose message
      names every missing and every unexpected key.
    - Afterwards the model must predict deterministically: Dropout and similar layers switched
      to evaluation behaviour.
    """
    ### BEGIN SOLUTION
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    model.eval()
    ### END SOLUTION


def train_keep_best(model: nn.Module, train_epoch: Callable[[], None],
                    validate: Callable[[], float], epochs: int) -> int:
    """Train for `epochs` epochs and keep the best weights.

    Each epoch calls train_epoch() (which updates `model` in place), then validate(), which
    returns the validation loss as a float. Keep a copy of the model's weights from the epoch
    with the lowest validation loss: a copy that later training cannot change. At the end, load
    those weights back into `model` and return that epoch's number, counting from 1.
    """
    ### BEGIN SOLUTION
    best_loss, best_epoch, best_state = float("inf"), 0, None
    for epoch in range(1, epochs + 1):
        train_epoch()
        loss = validate()
        if loss < best_loss:
            best_loss, best_epoch = loss, epoch
            best_state = copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    return best_epoch
    ### END SOLUTION
