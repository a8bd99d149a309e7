"""O6: the buffer as an exponential average, b = momentum * b + (1 - momentum) * grad,
which is not torch.optim.SGD's momentum (that is dampening=momentum).

check: momentum_by_hand
mentions: (1 - momentum); b = momentum * b + grad
"""
import torch


def momentum_step(params, state, lr, momentum):
    with torch.no_grad():
        for i, p in enumerate(params):
            if i not in state:
                state[i] = p.grad.clone()
            else:
                state[i] = momentum * state[i] + (1 - momentum) * p.grad
            p -= lr * state[i]
