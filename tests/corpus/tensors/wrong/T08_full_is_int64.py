"""T8: torch.full(shape, 3) infers int64 from the int fill value.

check: constants_and_ranges
status: failed
mentions: constants and ranges; torch.int64
"""
import torch


def full_of(shape, value):
    return torch.full(shape, value)
