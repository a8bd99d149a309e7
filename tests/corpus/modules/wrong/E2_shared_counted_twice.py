"""E2: a shared layer counted twice (and frozen tensors counted) by summing the state_dict.

check: count_shared_once
also: count_excludes_frozen
mentions: shared modules are counted once; not state_dict()
"""


def count_trainable(model):
    return sum(v.numel() for v in model.state_dict().values())
