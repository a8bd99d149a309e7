"""I1: outputs[:, lengths - 1] picks every listed step for every sequence: (B, B, D).

check: last_step_per_sequence
status: failed
mentions: gathering one step per sequence; has shape; torch.arange(B)
"""


def last_valid_step(outputs, lengths):
    return outputs[:, lengths - 1]
