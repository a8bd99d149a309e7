"""T4: torch.tensor(array) copies, so the tensor does not share the array's memory.

check: numpy_shared
status: failed
mentions: NumPy memory sharing; is a copy
"""
import torch


def share_numpy(array):
    return torch.tensor(array)
