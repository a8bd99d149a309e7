"""R7: .T on a 3-d batch reverses every axis instead of swapping the last two.

check: batch_transpose
status: failed
mentions: transposing a batch of matrices; shape
"""


def swap_last_two(batch):
    return batch.T
