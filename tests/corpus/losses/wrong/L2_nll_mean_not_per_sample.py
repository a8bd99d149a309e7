"""4.2 L2: nll_loss with its default reduction returns the batch mean, not one loss per sample.

check: nll_reads_log_probabilities
status: failed
mentions: nll_loss reads log-probabilities; has shape (); reduction='none'
"""
import torch.nn.functional as F


def per_sample_nll(logits, targets):
    return F.nll_loss(F.log_softmax(logits, dim=1), targets)
