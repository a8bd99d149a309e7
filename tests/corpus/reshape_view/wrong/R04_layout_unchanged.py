"""R4: returning the input as it is leaves a transposed input non-contiguous.

check: contiguous_only_when_needed
status: failed
mentions: contiguous() copies only when needed; independent copy
"""


def row_major(x):
    return x
