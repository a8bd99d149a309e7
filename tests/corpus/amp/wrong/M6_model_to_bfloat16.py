"""M6: converting the model to the low precision dtype as well as using autocast.

check: loss_and_parameters_stay_float32
status: failed
mentions: losses and parameters stay float32; has dtype; expected torch.float32; model.half()
"""
import torch
from torch import nn


def autocast_forward(model, inputs, labels, device_type, dtype):
    model.to(dtype)
    with torch.autocast(device_type=device_type, dtype=dtype):
        logits = model(inputs)
        loss = nn.functional.cross_entropy(logits, labels)
    return logits, loss
