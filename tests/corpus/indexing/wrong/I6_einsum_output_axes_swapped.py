"""I6: '->bhst' swaps the query and key axes; with T == S the shape is still right.

check: einsum_attention_axes
status: failed
mentions: einsum for batched attention scores; differs from the expected values; ->bhts
"""
import torch


def attention_scores(q, k):
    return torch.einsum("bhtd,bhsd->bhst", q, k) / q.shape[-1] ** 0.5
