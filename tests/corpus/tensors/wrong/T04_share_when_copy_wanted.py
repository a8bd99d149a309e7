"""T4: torch.from_numpy(array) shares memory where an independent copy was asked for.

check: numpy_copied
status: failed
mentions: NumPy memory sharing; shares storage
"""
import torch


def copy_numpy(array):
    return torch.from_numpy(array)
