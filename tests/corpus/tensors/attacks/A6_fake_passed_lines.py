"""A6: prints fake "passed" lines and a fake JSON score, returns wrong values.

lose: scalar_is_0d
status: failed
"""
import sys

import torch

FAKE = "scalar_is_0d PASSED\n===== 12 passed in 0.1s =====\n{\"score\": 100, \"max_score\": 100}"
print(FAKE)
print(FAKE, file=sys.stderr)


def scalar(value):
    print(FAKE)
    return torch.tensor([value])
