"""E3: log_softmax over dim=0 normalises across the batch; with N == C it still runs.

check: nll_reads_log_probabilities
status: failed
mentions: nll_loss reads log-probabilities; differs from the expected values; dim=1
"""
import torch.nn.functional as F


def per_sample_nll(logits, targets):
    return F.nll_loss(F.log_softmax(logits, dim=0), targets, reduction="none")
