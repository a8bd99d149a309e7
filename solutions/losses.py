"""Loss functions: what a loss reads and what it returns.

A loss reads logits (raw scores), log-probabilities or probabilities, and its targets are class
indices (int64) or class probabilities (float); it returns a mean, a sum or one value per
sample. Return every loss as a tensor (not .item()) unless a function says otherwise: the
logits you get require grad, and the loss has to stay in the autograd graph. Some checks use
very large logits, where formulas that are right on paper overflow.
"""

import torch
import torch.nn.functional as F


def classification_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of `logits` (N, C), straight from a model's last layer, against class
    indices `targets` (N,) int64."""
    ### BEGIN SOLUTION
    return F.cross_entropy(logits, targets)
    ### END SOLUTION


def per_sample_nll(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """One loss per sample, (N,): -log p[n, targets[n]], where p = softmax(logits) over the
    classes of each row. `logits` is (N, C), `targets` (N,) int64."""
    ### BEGIN SOLUTION
    return F.nll_loss(F.log_softmax(logits, dim=1), targets, reduction="none")
    ### END SOLUTION


def labels_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of `logits` (N, C) against `labels`, a (N, 1) float32 column of whole
    numbers 0 to C-1, as a label column read from a table arrives. N may be 1."""
    ### BEGIN SOLUTION
    return F.cross_entropy(logits, labels.squeeze(1).long())
    ### END SOLUTION


def binary_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy of `logits` (N,) (any real numbers, some of them very large)
    against `targets` (N,) float 0.0 or 1.0. The result must be exact for logits of +-200."""
    ### BEGIN SOLUTION
    return F.binary_cross_entropy_with_logits(logits, targets)
    ### END SOLUTION


def weighted_binary_loss(logits: torch.Tensor, targets: torch.Tensor,
                         pos_weight: torch.Tensor) -> torch.Tensor:
    """Multi-label binary cross-entropy: `logits` and `targets` (0.0/1.0) are (N, K); the loss of
    each *positive* target of label k is multiplied by pos_weight[k] (negatives keep weight 1),
    to balance rare labels. Return the mean over all N * K elements."""
    ### BEGIN SOLUTION
    return F.binary_cross_entropy_with_logits(logits, targets, pos_weight=pos_weight)
    ### END SOLUTION


def class_weighted_loss(logits: torch.Tensor, targets: torch.Tensor,
                        weights: torch.Tensor) -> torch.Tensor:
    """Cross-entropy with a weight per class, `weights` (C,), as PyTorch defines its weighted
    mean: sum_n w[y_n] * loss_n / sum_n w[y_n]."""
    ### BEGIN SOLUTION
    return F.cross_entropy(logits, targets, weight=weights)
    ### END SOLUTION


def soft_target_loss(logits: torch.Tensor, probabilities: torch.Tensor) -> torch.Tensor:
    """Cross-entropy against class probabilities `probabilities` (N, C) (each row sums to 1, as
    mixup or distillation targets do): the mean over samples of
    -sum_c probabilities[n, c] * log softmax(logits)[n, c]."""
    ### BEGIN SOLUTION
    return F.cross_entropy(logits, probabilities)
    ### END SOLUTION


def smoothed_loss(logits: torch.Tensor, targets: torch.Tensor, smoothing: float) -> torch.Tensor:
    """Mean cross-entropy with label smoothing as PyTorch defines it: each target becomes the
    distribution that puts 1 - smoothing on the true class and smoothing / C on every class."""
    ### BEGIN SOLUTION
    return F.cross_entropy(logits, targets, label_smoothing=smoothing)
    ### END SOLUTION


def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every step of a batch of sequences: `logits` (N, T, C) as a
    batch-first model returns them, `targets` (N, T) int64 class indices."""
    ### BEGIN SOLUTION
    return F.cross_entropy(logits.transpose(1, 2), targets)
    ### END SOLUTION


def padded_loss(logits: torch.Tensor, targets: torch.Tensor, pad: int) -> torch.Tensor:
    """Mean cross-entropy over tokens, `logits` (M, C) and `targets` (M,) int64, leaving out
    padding: tokens whose target is `pad` (a class index of the vocabulary, such as 0 for
    <pad>) count for nothing, and the mean is over the other tokens."""
    ### BEGIN SOLUTION
    return F.cross_entropy(logits, targets, ignore_index=pad)
    ### END SOLUTION


def regression_loss(predictions: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean squared error between `predictions` (N, 1), as a Linear(_, 1) head returns them,
    and `targets` (N,): one squared difference per sample."""
    ### BEGIN SOLUTION
    return F.mse_loss(predictions.squeeze(1), targets)
    ### END SOLUTION


def epoch_loss(batches: list) -> float:
    """The mean cross-entropy over every sample of an epoch, as a Python float.

    `batches` is a list of (logits, targets) pairs of different sizes: the last batch is
    smaller than the others, and every sample counts the same.
    """
    ### BEGIN SOLUTION
    total = sum(F.cross_entropy(logits, targets, reduction="sum").item()
                for logits, targets in batches)
    return total / sum(len(targets) for _, targets in batches)
    ### END SOLUTION
