"""A10: manual SGD with w = w - lr * w.grad rebinds w to a non-leaf; its .grad is then None.

check: manual_sgd
status: error
mentions: a manual SGD step keeps parameters as leaves; NoneType; torch.no_grad()
"""


def gd_steps(x, w, b, y, lr, steps):
    losses = []
    for _ in range(steps):
        loss = logistic_loss(x, w, b, y)
        loss.backward()
        w = w - lr * w.grad
        b = b - lr * b.grad
        losses.append(loss.item())
    return losses
