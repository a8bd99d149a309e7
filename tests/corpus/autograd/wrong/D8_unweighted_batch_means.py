"""D8: accumulating the mean of batch means although the last batch is smaller (biased).

check: gradient_accumulation
mentions: gradient accumulation; len(batch) / total
"""


def accumulate_grads(batches, w, b):
    w.grad, b.grad = None, None
    for x, y in batches:
        (logistic_loss(x, w, b, y) / len(batches)).backward()
