"""T2: forcing float32 on all data turns integer data into floats.

check: from_nested_data
status: failed
mentions: creating tensors from data; int64
"""
import torch


def from_data(data):
    return torch.as_tensor(data, dtype=torch.float32)
