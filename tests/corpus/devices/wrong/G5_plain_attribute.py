"""G5: constants kept as plain attributes stay on the CPU when the module moves.

check: buffers_move_with_module
status: error
also: buffers_saved_in_state_dict
mentions: buffers move with the module; Tensor on device cpu is not on the expected device meta
"""
from torch import nn


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.mean = mean
        self.std = std

    def forward(self, x):
        return (x - self.mean) / self.std
