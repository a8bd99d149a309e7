"""G3: model.cuda() hard-codes a GPU; on a machine without one it raises.

check: moves_model
concept: device-agnostic code
status: error
mentions: not compiled with CUDA; moving a model; device-agnostic code; instead of .cuda()
"""
import torch


def prepare(model, device, lr):
    model = model.cuda()
    return model, torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
