"""E2: frozen parameters counted as trainable.

check: count_excludes_frozen
mentions: trainable parameters only; requires_grad=False
"""


def count_trainable(model):
    return sum(p.numel() for p in model.parameters())
