"""Constants built by arithmetic and explicit dtype/device arguments."""
import math

import torch


def zeros_like_input(x):
    return x.new_zeros(x.shape)


def new_filled(x, shape, value):
    return torch.full(shape, value, dtype=x.dtype, device=x.device)


def steps(start, end, step):
    count = math.ceil((end - start) / step)
    return start + step * torch.arange(count, dtype=torch.float32)


def evenly_spaced(start, end, count):
    return start + (end - start) * torch.arange(count, dtype=torch.float32) / (count - 1)


def full_of(shape, value):
    return torch.ones(shape) * value
