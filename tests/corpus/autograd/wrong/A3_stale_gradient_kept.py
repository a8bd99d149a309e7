"""A3: accumulating on top of a stale gradient left from an earlier step.

check: gradient_accumulation
concept: gradients accumulate until zeroed
mentions: gradients accumulate until zeroed; stale gradients
"""


def accumulate_grads(batches, w, b):
    total = sum(len(y) for _, y in batches)
    for x, y in batches:
        (logistic_loss(x, w, b, y) * (len(y) / total)).backward()
