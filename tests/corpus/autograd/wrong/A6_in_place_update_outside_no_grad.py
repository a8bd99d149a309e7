"""A6: an in-place update of a leaf that requires grad, outside torch.no_grad().

check: manual_sgd
concept: in-place operations on leaf tensors
status: error
mentions: a manual SGD step keeps parameters as leaves; in-place operation; torch.no_grad()
"""


def gd_steps(x, w, b, y, lr, steps):
    losses = []
    for _ in range(steps):
        w.grad, b.grad = None, None
        loss = logistic_loss(x, w, b, y)
        loss.backward()
        w -= lr * w.grad
        b -= lr * b.grad
        losses.append(loss.item())
    return losses
