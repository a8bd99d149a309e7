"""T5: features taken straight from NumPy stay float64.

check: numpy_features_float32
status: failed
mentions: float64 leaking from NumPy; torch.float64
"""
import torch


def features_from_numpy(array):
    return torch.from_numpy(array)
