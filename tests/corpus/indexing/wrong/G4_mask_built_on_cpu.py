"""G4/I3: torch.arange(T) without device= is made on the CPU whatever device scores is on.

check: mask_on_input_device
concept: tensors on the same device
status: error
mentions: masks on the input's device; not on the expected device; device=x.device
"""
import torch


def mask_after_length(scores, lengths, value):
    steps = torch.arange(scores.shape[1])
    return scores.masked_fill(steps >= lengths.unsqueeze(1), value)
