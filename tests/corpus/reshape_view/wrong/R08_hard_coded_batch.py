"""R8: a hard-coded batch size breaks on the smaller last batch.

check: flatten_smaller_last_batch
status: error
mentions: batch-size-agnostic shapes; -1
"""


def flatten_batch(images):
    return images.view(32, -1)
