"""I5: x[mask] flattens the kept values of every row into one vector; its mean mixes rows.

check: masked_mean_by_count
status: failed
mentions: a masked mean counts only the mask; has shape (); one mean per row
"""


def masked_mean(x, mask):
    return x[mask].mean()
