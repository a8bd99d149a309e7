"""R10: view() cannot merge axes that permute() made non-adjacent in memory.

check: merge_heads_after_permute
concept: contiguity and view()
status: error
mentions: merging axes after permute; contiguous
"""


def merge_heads(x):
    b, h, t, d = x.shape
    return x.permute(0, 2, 1, 3).view(b, t, h * d)
