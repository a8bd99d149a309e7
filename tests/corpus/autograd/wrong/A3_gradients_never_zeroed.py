"""A3: gradients not zeroed between batches, so each recorded gradient includes the earlier ones.

check: zeroing_between_batches
mentions: gradients accumulate until zeroed; [1]; zero the gradients
"""


def grads_per_batch(batches, w, b):
    recorded = []
    for x, y in batches:
        logistic_loss(x, w, b, y).backward()
        recorded.append(w.grad.clone())
    return recorded
