"""R9: squeeze() without a dim also removes the batch axis when N == 1.

check: batch_of_one
status: failed
mentions: batches of one; squeeze(1)
"""


def drop_middle_axis(scores):
    return scores.squeeze()
