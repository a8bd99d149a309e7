"""G4: cross_entropy's weight= tensor is built from a list on the CPU.

check: loss_weights_on_device
concept: tensors on the same device
status: error
mentions: tensors created inside a loss; on device cpu is not on the expected device meta
"""
import torch
import torch.nn.functional as F


def weighted_loss(logits, labels, class_weights):
    weight = torch.tensor(class_weights, dtype=logits.dtype)
    return F.cross_entropy(logits, labels, weight=weight)
