"""O6: the momentum buffer lives in a local variable, so it starts over at every call (as a
new optimizer per step would): the steps are plain SGD.

check: momentum_by_hand
mentions: SGD with momentum keeps a buffer; plain SGD; state
"""
import torch


def momentum_step(params, state, lr, momentum):
    with torch.no_grad():
        for p in params:
            buffer = torch.zeros_like(p)
            buffer.mul_(momentum).add_(p.grad)
            p -= lr * buffer
