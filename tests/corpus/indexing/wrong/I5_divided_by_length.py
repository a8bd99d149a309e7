"""I5: a masked mean divided by the row length T counts the padding positions.

check: masked_mean_by_count
status: failed
mentions: a masked mean counts only the mask; mask.sum(dim=1)
"""


def masked_mean(x, mask):
    return (x * mask).sum(dim=1) / x.shape[1]
