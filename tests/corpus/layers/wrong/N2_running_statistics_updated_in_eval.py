"""N2: running statistics updated on every forward pass, evaluation included, so evaluating a
model changes it (and the eval outputs that follow).

check: batchnorm_running_statistics
also: batchnorm_eval_uses_running
mentions: running statistics update only in training; changed in eval mode
"""
import torch


def _forward(self, x):
    if x.shape[0] > 1:
        with torch.no_grad():
            self.running_mean.mul_(0.9).add_(0.1 * x.mean(dim=0))
            self.running_var.mul_(0.9).add_(0.1 * x.var(dim=0, unbiased=True))
    if self.training:
        mean, var = x.mean(dim=0), x.var(dim=0, unbiased=False)
    else:
        mean, var = self.running_mean, self.running_var
    return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias


BatchNorm1d.forward = _forward
