"""E1 (4.5): the straight-through backward returns grad_output alone, with no None for step.

check: ste_gradient
concept: one gradient per input of forward
status: error
mentions: one gradient per input of forward; incorrect number of gradients
"""


def _backward(ctx, grad_output):
    return grad_output


QuantizeSTE.backward = staticmethod(_backward)
