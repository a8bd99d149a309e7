"""N6: the running variance updated with the biased batch variance; nn.BatchNorm1d keeps the
unbiased one, so the statistics used at evaluation differ from the reference's.

check: batchnorm_running_statistics
mentions: running statistics update only in training; unbiased batch variance
"""
import torch


def _forward(self, x):
    if self.training:
        mean, var = x.mean(dim=0), x.var(dim=0, unbiased=False)
        with torch.no_grad():
            self.running_mean.mul_(0.9).add_(0.1 * mean)
            self.running_var.mul_(0.9).add_(0.1 * var)
    else:
        mean, var = self.running_mean, self.running_var
    return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias


BatchNorm1d.forward = _forward
