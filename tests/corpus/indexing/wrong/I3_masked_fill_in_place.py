"""R5/I3: masked_fill_ (with the underscore) fills the caller's scores in place.

check: mask_leaves_scores_unchanged
status: failed
mentions: masked_fill out of place; argument 1 after the call; masked_fill_
"""
import torch


def mask_after_length(scores, lengths, value):
    steps = torch.arange(scores.shape[1], device=scores.device)
    return scores.masked_fill_(steps >= lengths.unsqueeze(1), value)
