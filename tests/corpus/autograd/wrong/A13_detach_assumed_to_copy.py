"""A13: assuming detach() copies; it shares memory with the tensor it came from.

check: detached_copy
mentions: detach() shares memory; .clone()
"""


def snapshot(w):
    return w.detach()
