"""N5: padded token ids built with torch.Tensor, which makes float32, not the int64 indices
nn.Embedding needs.

check: padded_indices_int64
mentions: embedding indices are int64; torch.long
"""
import torch


def pad_batch(sequences, padding_idx):
    longest = max(len(s) for s in sequences)
    return torch.Tensor([s + [padding_idx] * (longest - len(s)) for s in sequences])
