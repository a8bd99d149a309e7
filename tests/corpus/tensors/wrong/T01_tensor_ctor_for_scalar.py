"""T1: torch.Tensor([value]) builds a 1-element vector instead of a 0-d scalar.

check: scalar_is_0d
status: failed
mentions: 0-d tensors; expected ()
"""
import torch


def scalar(value):
    return torch.Tensor([value])
