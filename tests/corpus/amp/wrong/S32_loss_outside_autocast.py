"""§3.2: the loss is computed outside the autocast region, on bfloat16 logits, so it is not float32.

check: loss_and_parameters_stay_float32
status: failed
mentions: losses and parameters stay float32; the loss has dtype; inside the autocast region
"""
import torch
from torch import nn


def autocast_forward(model, inputs, labels, device_type, dtype):
    with torch.autocast(device_type=device_type, dtype=dtype):
        logits = model(inputs)
    return logits, nn.functional.cross_entropy(logits, labels)
