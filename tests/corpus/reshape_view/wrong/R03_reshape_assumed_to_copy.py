"""R3/R6: reshape(-1) of a contiguous tensor is a view, not the copy the task asks for.

check: copy_is_independent
status: failed
mentions: copies own their memory; shares storage
"""


def flat_copy(x):
    return x.reshape(-1)
