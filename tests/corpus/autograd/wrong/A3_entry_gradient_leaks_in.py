"""A3: gradients zeroed after each batch is recorded, so a gradient already in w.grad when the
call begins is added into the first batch's.

check: zeroing_between_batches
mentions: gradients accumulate until zeroed; hold gradients on entry; the first one too
"""


def grads_per_batch(batches, w, b):
    recorded = []
    for x, y in batches:
        logistic_loss(x, w, b, y).backward()
        recorded.append(w.grad.clone())
        w.grad, b.grad = None, None
    return recorded
