"""B3/G: NaN and infinite losses, as a Python float and as tensors that keep the graph: they
fail their checks, and the report stays valid JSON.

lose: logits_into_cross_entropy; bce_with_logits_is_stable; epoch_mean_weights_samples
status: failed
mentions: expected
"""


def classification_loss(logits, targets):
    return logits.sum() * float("inf")


def binary_loss(logits, targets):
    return logits.sum() * float("nan")


def epoch_loss(batches):
    return float("nan")
