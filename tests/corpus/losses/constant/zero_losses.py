"""Every loss is a 0-d (or per-sample) zero that still requires grad, and the epoch loss 0.0:
the right type, shape, dtype and graph, never the right value."""


def zero(like):
    return like.sum() * 0


def classification_loss(logits, targets):
    return zero(logits)


def per_sample_nll(logits, targets):
    return logits[:, 0] * 0


def labels_loss(logits, labels):
    return zero(logits)


def binary_loss(logits, targets):
    return zero(logits)


def weighted_binary_loss(logits, targets, pos_weight):
    return zero(logits)


def class_weighted_loss(logits, targets, weights):
    return zero(logits)


def soft_target_loss(logits, probabilities):
    return zero(logits)


def smoothed_loss(logits, targets, smoothing):
    return zero(logits)


def sequence_loss(logits, targets):
    return zero(logits)


def padded_loss(logits, targets, pad):
    return zero(logits)


def regression_loss(predictions, targets):
    return zero(predictions)


def epoch_loss(batches):
    return 0.0
