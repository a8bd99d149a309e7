"""M8: GradScaler() without a device is a CUDA scaler, silently disabled on a CPU.

check: scaler_for_float16
status: failed
mentions: a GradScaler for float16; are exactly 0; enabled GradScaler for your device
"""
import torch


def make_scaler(device_type, dtype):
    return torch.amp.GradScaler(enabled=dtype == torch.float16)
