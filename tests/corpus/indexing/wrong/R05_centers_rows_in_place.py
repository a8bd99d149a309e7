"""R5: x -= mean updates the caller's tensor in place (the values returned are right).

check: keepdim_broadcasts_per_row
concept: never mutate the caller's input
status: failed
mentions: never mutate the caller's input; argument 1 after the call; writing into the input
"""


def center_rows(x):
    x -= x.mean(dim=1, keepdim=True)
    return x
