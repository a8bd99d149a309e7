"""I1/E15: lengths count from 1 but indices from 0; a full-length sequence indexes past the end.

check: last_step_per_sequence
concept: indices start at 0
status: error
mentions: gathering one step per sequence; indices start at 0; out of bounds
"""
import torch


def last_valid_step(outputs, lengths):
    return outputs[torch.arange(len(lengths)), lengths]
