"""I2: gather(1, targets) with a (N,) index: the index needs the input's number of dimensions.

check: pick_one_per_row
concept: gather's index
status: error
mentions: one value per row; gather's index; unsqueeze(1)
"""


def pick_per_row(logits, targets):
    return logits.gather(1, targets)
