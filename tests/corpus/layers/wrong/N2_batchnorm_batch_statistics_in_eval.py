"""N2: BatchNorm that normalises with the batch's statistics in eval mode too, so a sample's
prediction depends on the rest of its batch.

check: batchnorm_eval_uses_running
mentions: uses the running statistics in eval mode; running_mean and running_var
"""
import torch


def _forward(self, x):
    mean = x.mean(dim=0)
    var = x.var(dim=0, unbiased=False)
    if self.training:
        with torch.no_grad():
            self.running_mean.mul_(0.9).add_(0.1 * mean)
            self.running_var.mul_(0.9).add_(0.1 * x.var(dim=0, unbiased=True))
    return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias


BatchNorm1d.forward = _forward
