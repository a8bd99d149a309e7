"""4.5 (straight-through estimator): plain torch.round in place of the Function, so the gradient
is zero everywhere and nothing before it trains.

check: ste_gradient
mentions: a straight-through estimator; grad_output itself
"""
import torch


def _apply(x, step):
    return torch.round(x / step) * step


QuantizeSTE.apply = staticmethod(_apply)
