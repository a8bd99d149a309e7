"""R5: x -= mean updates the caller's tensor in place.

check: input_left_unchanged
status: failed
mentions: never mutate the caller's input; argument 1 after the call
"""


def center_columns(x):
    x -= x.mean(dim=0, keepdim=True)
    return x
