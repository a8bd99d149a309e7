"""R8: view(-1) flattens the batch axis together with the features.

check: flatten_smaller_last_batch
status: failed
mentions: batch-size-agnostic shapes; keep the batch axis
"""


def flatten_batch(images):
    return images.contiguous().view(-1)
