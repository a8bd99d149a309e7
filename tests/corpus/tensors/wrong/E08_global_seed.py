"""E8: torch.manual_seed reseeds the global generator every other piece of code shares.

check: random_with_generator
status: failed
mentions: random numbers from a generator; global
"""
import torch


def random_matrix(rows, cols, seed):
    torch.manual_seed(seed)
    return torch.randn(rows, cols)
