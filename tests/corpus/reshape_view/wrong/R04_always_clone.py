"""R4: clone() copies even a contiguous input that needed no copy.

check: contiguous_only_when_needed
status: failed
mentions: contiguous() copies only when needed; is a copy
"""


def row_major(x):
    return x.clone()
