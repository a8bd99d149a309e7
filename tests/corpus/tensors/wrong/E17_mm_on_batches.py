"""E17: torch.mm takes 2-d matrices only, so a batch of them raises.

check: batched_matmul
status: error
mentions: batched matrix multiplication; torch.mm
"""
import torch


def batch_matmul(a, b):
    return torch.mm(a, b)
