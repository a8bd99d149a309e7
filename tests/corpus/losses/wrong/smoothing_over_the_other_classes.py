"""New (cf. 4.2): smoothing spread as smoothing / (C - 1) over the other classes only,
a common variant that is not PyTorch's label_smoothing.

check: label_smoothing
status: failed
mentions: label smoothing; differs from the expected values; smoothing / C
"""
import torch
import torch.nn.functional as F


def smoothed_loss(logits, targets, smoothing):
    classes = logits.shape[1]
    soft = torch.full_like(logits, smoothing / (classes - 1))
    soft[torch.arange(len(targets)), targets] = 1 - smoothing
    return F.cross_entropy(logits, soft.detach())
