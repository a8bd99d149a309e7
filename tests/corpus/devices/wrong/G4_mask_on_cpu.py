"""G4: the causal mask is created without device=, so it lives on the CPU.

check: mask_on_input_device
concept: tensors on the same device
status: error
mentions: tensors created inside forward; Tensor on device; tensors on the same device
"""
import torch


def causal_scores(q, k):
    steps, dim = q.shape[-2], q.shape[-1]
    scores = q @ k.transpose(-2, -1) / dim**0.5
    mask = torch.tril(torch.ones(steps, steps))
    return scores.masked_fill(mask == 0, float("-inf"))
