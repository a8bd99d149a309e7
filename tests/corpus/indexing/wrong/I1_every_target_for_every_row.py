"""I1: logits[:, targets] takes every target's column for every row: (N, N), not (N,).

check: pick_one_per_row
status: failed
mentions: one value per row; has shape; (N, N) grid
"""


def pick_per_row(logits, targets):
    return logits[:, targets]
