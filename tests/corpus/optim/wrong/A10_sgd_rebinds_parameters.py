"""A10: a manual SGD step that rebinds the name (p = p - lr * p.grad): the caller's
parameters never change.

check: sgd_by_hand
mentions: a gradient-descent step by hand; never changed; in place
"""


def sgd_step(params, lr):
    for p in params:
        p = p - lr * p.grad  # noqa: PLW2901
