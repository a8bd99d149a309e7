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
    # YOUR CODE HERE
    raise NotImplementedError()


def per_sample_nll(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """One loss per sample, (N,): -log p[n, targets[n]], where p = softmax(logits) over the
    classes of each row. `logits` is (N, C), `targets` (N,) int64."""
    # YOUR CODE HERE
    raise NotImplementedError()


def labels_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of `logits` (N, C) against `labels`, a (N, 1) float32 column of whole
    numbers 0 to C-1, as a label column read from a table arrives. N may be 1."""
    # YOUR CODE HERE
    raise NotImplementedError()


def binary_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy of `logits` (N,) (any real numbers, some of them very large)
    against `targets` (N,) float 0.0 or 1.0. The result must be exact for logits of +-200."""
    # YOUR CODE HERE
    raise NotImplementedError()


def weighted_binary_loss(logits: torch.Tensor, targets: torch.Tensor,
                         pos_weight: torch.Tensor) -> torch.Tensor:
    """Multi-label binary cross-entropy: `logits` and `targets` (0.0/1.0) are (N, K); the loss of
    each *positive* target of label k is multiplied by pos_weight[k] (negatives keep weight 1),
    to balance rare labels. Return the mean over all N * K elements."""
    # YOUR CODE HERE
    raise NotImplementedError()


def class_weighted_loss(logits: torch.Tensor, targets: torch.Tensor,
                        weights: torch.Tensor) -> torch.Tensor:
    """Cross-entropy with a weight per class, `weights` (C,), as PyTorch defines its weighted
    mean: sum_n w[y_n] * loss_n / sum_n w[y_n]."""
    # YOUR CODE HERE
    raise NotImplementedError()


def soft_target_loss(logits: torch.Tensor, probabilities: torch.Tensor) -> torch.Tensor:
    """Cross-entropy against class probabilities `probabilities` (N, C) (each row sums to 1, as
    mixup or distillation targets do): the mean over samples of
    -sum_c probabilities[n, c] * log softmax(logits)[n, c]."""
    # YOUR CODE HERE
    raise NotImplementedError()


def smoothed_loss(logits: torch.Tensor, targets: torch.Tensor, smoothing: float) -> torch.Tensor:
    """Mean cross-entropy with label smoothing as PyTorch defines it: each target becomes the
    distribution that puts 1 - smoothing on the true class and smoothing / C on every class."""
    # YOUR CODE HERE
    raise NotImplementedError()


def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every step of a batch of sequences: `logits` (N, T, C) as a
    batch-first model returns them, `targets` (N, T) int64 class indices."""
    # YOUR CODE HERE
    raise NotImplementedError()


def padded_loss(logits: torch.Tensor, targets: torch.Tensor, pad: int) -> torch.Tensor:
    """Mean cross-entropy over tokens, `logits` (M, C) and `targets` (M,) int64, leaving out
    padding: tokens whose target is `pad` (a class index of the vocabulary, such as 0 for
    <pad>) count for nothing, and the mean is over the other tokens."""
    # YOUR CODE HERE
    raise NotImplementedError()


def regression_loss(predictions: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean squared error between `predictions` (N, 1), as a Linear(_, 1) head returns them,
    and `targets` (N,): one squared difference per sample."""
    # YOUR CODE HERE
    raise NotImplementedError()


def epoch_loss(batches: list) -> float:
    """The mean cross-entropy over every sample of an epoch, as a Python float.

    `batches` is a list of (logits, targets) pairs of different sizes: the last batch is
    smaller than the others, and every sample counts the same.
    """
    # YOUR CODE HERE
    raise NotImplementedError()
