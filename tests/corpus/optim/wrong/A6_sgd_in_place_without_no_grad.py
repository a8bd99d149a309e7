"""A6: an in-place update of a leaf that requires grad, outside torch.no_grad(): autograd
refuses it.

check: sgd_by_hand
concept: in-place operations on leaf tensors
status: error
mentions: a gradient-descent step by hand; torch.no_grad()
"""


def sgd_step(params, lr):
    for p in params:
        p -= lr * p.grad
