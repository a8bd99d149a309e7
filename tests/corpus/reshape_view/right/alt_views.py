"""contiguous().view, reshape, flatten, clone of a contiguous view, is_contiguous test."""
import torch


def as_rows(x, rows):
    return x.contiguous().view(rows, -1)


def flat_view(x):
    return x.reshape(-1)


def flat_copy(x):
    return x.contiguous().view(-1).clone()


def row_major(x):
    return x if x.is_contiguous() else x.clone(memory_format=torch.contiguous_format)
