"""E14: kl_div in place of cross-entropy: KL(p || q) leaves out the targets' entropy.

check: probability_targets
status: failed
mentions: class probabilities as targets; differs from the expected values; not kl_div
"""
import torch.nn.functional as F


def soft_target_loss(logits, probabilities):
    return F.kl_div(F.log_softmax(logits, dim=1), probabilities, reduction="batchmean")
