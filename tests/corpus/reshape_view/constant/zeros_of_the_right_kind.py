"""Every function returns zeros of the right shape and dtype: views of a zeroed copy, or
fresh copies, so storage and contiguity alone cannot earn a point."""
import torch


def as_rows(x, rows):
    return torch.zeros(rows, x.numel() // rows, dtype=x.dtype)


def flat_view(x):
    return torch.zeros(x.numel(), dtype=x.dtype)


def flat_copy(x):
    return torch.zeros(x.numel(), dtype=x.dtype)


def row_major(x):
    return torch.zeros_like(x, memory_format=torch.contiguous_format)


def nhwc_to_nchw(images):
    return torch.zeros_like(images).permute(0, 3, 1, 2)


def swap_last_two(batch):
    return torch.zeros_like(batch).transpose(-2, -1)


def flatten_batch(images):
    return torch.zeros(len(images), images[0].numel(), dtype=images.dtype)


def merge_heads(x):
    batch, heads, steps, dim = x.shape
    return torch.zeros(batch, steps, heads * dim, dtype=x.dtype)


def drop_middle_axis(scores):
    return torch.zeros_like(scores).squeeze(1)


def add_batch_axis(sample):
    return torch.zeros_like(sample).unsqueeze(0)


def center_columns(x):
    return torch.zeros_like(x)
