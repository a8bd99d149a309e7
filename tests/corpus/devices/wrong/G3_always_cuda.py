"""G3: choose_device returns "cuda" without asking whether there is one.

check: chooses_best_device
status: failed
mentions: choosing a device; on a machine with no GPU; is 'cuda'; expected 'cpu'
"""
import torch


def choose_device():
    return torch.device("cuda")
