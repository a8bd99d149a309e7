"""A4: running statistics updated out of place from batch statistics that are still in the
graph: every buffer carries a grad_fn, and each step keeps the previous steps' graphs alive.

check: batchnorm_running_statistics
mentions: running statistics update only in training; torch.no_grad()
"""
import torch


def _forward(self, x):
    if self.training:
        mean, var = x.mean(dim=0), x.var(dim=0, unbiased=False)
        self.running_mean = 0.9 * self.running_mean + 0.1 * mean
        self.running_var = 0.9 * self.running_var + 0.1 * x.var(dim=0, unbiased=True)
    else:
        mean, var = self.running_mean, self.running_var
    return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias


BatchNorm1d.forward = _forward
