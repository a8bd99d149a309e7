"""P16 (myth, do not penalise): each rank initialises its model from a different seed.

DDP copies rank 0's parameters to every rank when it wraps the model, so the ranks still start
equal; only rank 0's seed matters.
"""
# ruff: noqa: F821  (a case is appended to the reference, which defines these names)
import os
from datetime import timedelta

import torch


def main(config, log=print_metric):
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    setup(rank, world, "env://", timedelta(seconds=60))
    model = wrap(make_model(config["seed"] + rank), torch.device("cpu"))
    loader = make_loader(make_dataset(config["seed"], config["samples"]),
                         config["batch_size"], config["seed"])
    optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"])
    train(model, loader, optimizer, config["epochs"], log)
    save_checkpoint(model, config["checkpoint"])
    cleanup()
