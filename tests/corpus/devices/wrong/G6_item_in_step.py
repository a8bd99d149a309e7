"""G6: the step returns loss.item(), a host copy that syncs the device and fails on meta.

check: train_step_runs_on_device
status: failed
mentions: a device-agnostic training step; is a float; expected a torch.Tensor; not loss.item()
"""
import torch.nn.functional as F


def train_step(model, batch, optimizer, device):
    inputs, labels = (t.to(device) for t in batch)
    optimizer.zero_grad()
    loss = F.cross_entropy(model(inputs), labels)
    loss.backward()
    optimizer.step()
    return loss.item()
