"""M7: torch.autocast("cuda") hard-coded: on a CPU it is disabled and nothing is low precision.

check: autocast_runs_low_precision
status: failed
mentions: autocast runs layers in low precision; has dtype torch.float32; expected torch.bfloat16
"""
import torch
from torch import nn


def autocast_forward(model, inputs, labels, device_type, dtype):
    with torch.autocast("cuda", dtype=dtype):
        logits = model(inputs)
        loss = nn.functional.cross_entropy(logits, labels)
    return logits, loss
