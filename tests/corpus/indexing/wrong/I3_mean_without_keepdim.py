"""I3: x - x.mean(dim=1) broadcasts the row means along each row; a square input still runs.

check: keepdim_broadcasts_per_row
status: failed
mentions: keepdim for broadcasting; differs from the expected values; keepdim=True
"""


def center_rows(x):
    return x - x.mean(dim=1)
