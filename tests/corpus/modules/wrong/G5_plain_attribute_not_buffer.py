"""G5: constant tensors kept as plain attributes instead of buffers: not saved, not moved.

check: buffers_in_state_dict
also: buffers_move_with_to
mentions: register_buffer; missing from the state_dict
"""
from torch import nn


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.mean = mean.clone()
        self.std = std.clone()

    def forward(self, x):
        return (x - self.mean) / self.std
