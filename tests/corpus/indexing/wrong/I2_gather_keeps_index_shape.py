"""I2: gather(1, targets.unsqueeze(1)) returns the index's (N, 1) shape; it is never squeezed.

check: pick_one_per_row
status: failed
mentions: one value per row; has shape; squeeze(1)
"""


def pick_per_row(logits, targets):
    return logits.gather(1, targets.unsqueeze(1))
