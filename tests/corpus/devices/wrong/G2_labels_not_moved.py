"""G2: only the inputs move; the labels stay on the CPU and the loss mixes devices.

check: train_step_runs_on_device
concept: tensors on the same device
status: error
mentions: a device-agnostic training step; Tensor on device; tensors on the same device
"""
import torch.nn.functional as F


def train_step(model, batch, optimizer, device):
    inputs, labels = batch
    inputs = inputs.to(device)
    optimizer.zero_grad()
    loss = F.cross_entropy(model(inputs), labels)
    loss.backward()
    optimizer.step()
    return loss.detach()
