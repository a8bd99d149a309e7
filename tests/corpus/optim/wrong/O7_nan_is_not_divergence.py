"""O7: divergence tested with `last > first` only; a run that ends in nan compares False and
is not reported as diverging.

check: classify_by_the_final_loss
mentions: nan; math.isfinite
"""


def classify_run(losses):
    first, last = losses[0], losses[-1]
    if last > first:
        return "diverges"
    if last <= 0.01 * first:
        return "converges"
    return "slow"
