"""I8: np.clip on x.detach().numpy() gives the right numbers but no graph back to x.

check: clamp_keeps_graph
status: failed
mentions: clamp keeps the graph; does not require grad; NumPy
"""
import numpy as np
import torch


def clip(x, low, high):
    return torch.from_numpy(np.clip(x.detach().numpy(), low, high))
