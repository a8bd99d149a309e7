"""§3.3: the torchrun entry point never destroys its process group.

check: runs_under_torchrun
mentions: torchrun; leave the group
"""
# ruff: noqa: F821  (a case is appended to the reference, which defines these names)
import os
from datetime import timedelta

import torch


def main(config, log=print_metric):
    setup(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), "env://",
          timedelta(seconds=60))
    model = wrap(make_model(config["seed"]), torch.device("cpu"))
    loader = make_loader(make_dataset(config["seed"], config["samples"]),
                         config["batch_size"], config["seed"])
    optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"])
    train(model, loader, optimizer, config["epochs"], log)
    save_checkpoint(model, config["checkpoint"])
