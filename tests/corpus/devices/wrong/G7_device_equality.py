"""G7: devices compared with ==, so "cpu:0" is not "cpu".

check: compares_device_types
status: failed
mentions: comparing devices by type; is False; expected True
"""
import torch


def is_on(tensor, device):
    return tensor.device == torch.device(device)
