"""I3: steps >= lengths without unsqueeze(1) compares step t with lengths[t] when N == T.

check: mask_fills_after_length
status: failed
also: mask_leaves_scores_unchanged; mask_on_input_device
mentions: boolean masks and masked_fill; differs from the expected values; lengths.unsqueeze(1)
"""
import torch


def mask_after_length(scores, lengths, value):
    steps = torch.arange(scores.shape[1], device=scores.device)
    return scores.masked_fill(steps >= lengths, value)
