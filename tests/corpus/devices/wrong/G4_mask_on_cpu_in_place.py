"""G4: the causal mask is created on the CPU and applied in place: on meta, masked_fill_ with a
CPU mask runs (on a GPU it raises), so only a check that sees every operand's device finds it.

check: mask_on_input_device
mentions: tensors created inside forward; across devices; masked_fill_ got tensors on cpu and meta
"""
import torch


def causal_scores(q, k):
    steps, dim = q.shape[-2], q.shape[-1]
    scores = q @ k.transpose(-2, -1) / dim**0.5
    future = torch.ones(steps, steps, dtype=torch.bool).triu(1)
    return scores.masked_fill_(future, float("-inf"))
