"""4.2 L2: nll_loss fed probabilities from softmax instead of log_softmax: negative losses.

check: nll_reads_log_probabilities
status: failed
mentions: nll_loss reads log-probabilities; differs from the expected values; F.log_softmax
"""
import torch.nn.functional as F


def per_sample_nll(logits, targets):
    return F.nll_loss(F.softmax(logits, dim=1), targets, reduction="none")
