"""Tensor.register_hook: the scaling hook registered on x itself, so every gradient reaching x
is scaled, not only the one through the returned tensor (and x keeps the hook).

check: scale_gradient_path
mentions: a hook on the right tensor scales one path's gradient; not on x
"""


def scale_gradient(x, factor):
    x.register_hook(lambda grad: grad * factor)
    return x
