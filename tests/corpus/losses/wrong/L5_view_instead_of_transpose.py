"""4.2 L5/E21: view(N, C, T) gives the right shape but regroups the numbers instead of moving
the class axis.

check: class_axis_at_dim_1
status: failed
mentions: the class axis is dim 1; differs from the expected values; scrambles
"""
import torch.nn.functional as F


def sequence_loss(logits, targets):
    n, t, c = logits.shape
    return F.cross_entropy(logits.view(n, c, t), targets)
