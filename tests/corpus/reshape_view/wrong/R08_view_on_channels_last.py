"""R1/R8: view(N, -1) fails on a non-contiguous (channels-last) batch.

check: flatten_smaller_last_batch
concept: contiguity and view()
status: error
mentions: batch-size-agnostic shapes; view() needs memory laid out
"""


def flatten_batch(images):
    return images.view(images.shape[0], -1)
