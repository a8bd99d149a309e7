"""O7: the sweep's report guessed from the size of each rate, as remembered from another
problem, instead of measured on this one.

check: sweep_report_matches_measurement
mentions: a learning-rate sweep, measured; the grader measured; measure each run
"""


def sweep_report(x, y, w0, lrs, steps):
    return ["diverges" if lr >= 1.0 else "slow" if lr < 0.01 else "converges" for lr in lrs]
