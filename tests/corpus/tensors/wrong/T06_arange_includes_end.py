"""T6: treating arange's end as inclusive gives one value too many.

check: constants_and_ranges
status: failed
mentions: constants and ranges; shape
"""
import torch


def steps(start, end, step):
    return torch.arange(start, end + step, step, dtype=torch.float32)
