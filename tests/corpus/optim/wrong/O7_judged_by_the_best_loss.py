"""O7: a run judged by its best loss instead of its last one, so a learning rate that is too
high (the loss dips, then explodes) is reported as converging.

check: classify_by_the_final_loss
mentions: reading a loss curve; judge by the last loss
also: sweep_report_matches_measurement
"""


def classify_run(losses):
    first, best = losses[0], min(losses)
    if best > first:
        return "diverges"
    if best <= 0.01 * first:
        return "converges"
    return "slow"
