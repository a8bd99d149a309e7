"""O7: a run whose loss went down counts as converging, however little it moved: too small a
learning rate is never reported as slow.

check: classify_by_the_final_loss
mentions: the run is slow
also: sweep_report_matches_measurement
"""
import math


def classify_run(losses):
    first, last = losses[0], losses[-1]
    if not math.isfinite(last) or last > first:
        return "diverges"
    return "converges"
