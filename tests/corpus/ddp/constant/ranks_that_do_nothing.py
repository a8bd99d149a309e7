"""Every function has the right signature and returns a constant of the right type: no group
joined or left, the model unwrapped, a loader over the whole dataset, a mean of 0.0, a
training loop that logs 0.0 for every epoch without training, an empty checkpoint."""
import torch
from torch.utils.data import DataLoader


def setup(rank, world_size, init_method, timeout, backend="gloo"):
    return None


def cleanup():
    return None


def wrap(model, device):
    return model


def make_loader(dataset, global_batch_size, seed):
    return DataLoader(dataset, batch_size=global_batch_size)


def global_mean(total, count):
    return 0.0


def train(model, loader, optimizer, epochs, log):
    for epoch in range(epochs):
        log(epoch, 0.0)


def save_checkpoint(model, path):
    torch.save({}, path)


def main(config, log=print_metric):  # noqa: F821 (the reference defines it above)
    return None
