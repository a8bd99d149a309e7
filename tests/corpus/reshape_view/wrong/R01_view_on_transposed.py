"""R1: view() on a transposed (non-contiguous) input raises.

check: reshape_any_layout
concept: contiguity and view()
status: error
mentions: view() needs contiguous memory; reshape
"""


def as_rows(x, rows):
    return x.view(rows, -1)
