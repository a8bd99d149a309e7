"""Alternative idioms: torch.where for dropout, a BatchNorm with torch.var_mean, nn.LazyLinear
for the flatten size, nn.init with explicit fans, a masked mean with an explicit count.
"""
import torch
from torch import nn


def dropout(x, p, training):
    if training:
        return torch.where(torch.rand(x.shape) < p, torch.zeros_like(x), x / (1 - p))
    return x


def _bn_forward(self, x):
    if not self.training:
        return (x - self.running_mean) / (self.running_var + self.eps).sqrt() * self.weight \
            + self.bias
    var, mean = torch.var_mean(x, dim=0, correction=0)
    n = x.shape[0]
    with torch.no_grad():
        self.running_mean.lerp_(mean, self.momentum)
        self.running_var.lerp_(var * n / (n - 1), self.momentum)
    return (x - mean) / (var + self.eps).sqrt() * self.weight + self.bias


BatchNorm1d.forward = _bn_forward


def layer_norm(x, weight, bias, eps=1e-5):
    var, mean = torch.var_mean(x, dim=-1, keepdim=True, correction=0)
    return weight * (x - mean) * torch.rsqrt(var + eps) + bias


def init_relu_mlp(model):
    for module in model.modules():
        if type(module) is nn.Linear:
            nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
            nn.init.constant_(module.bias, 0.0)


def init_tanh_mlp(model):
    for module in model.modules():
        if type(module) is nn.Linear:
            nn.init.xavier_uniform_(module.weight, gain=5 / 3)
            nn.init.constant_(module.bias, 0.0)


def _convnet_init(self, in_channels, height, width, num_classes):
    nn.Module.__init__(self)
    self.features = nn.Sequential(
        nn.Conv2d(in_channels, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
    self.classifier = nn.LazyLinear(num_classes)


def _convnet_forward(self, x):
    features = self.features(x)
    return self.classifier(features.reshape(features.shape[0], -1))


SmallConvNet.__init__ = _convnet_init
SmallConvNet.forward = _convnet_forward


def pad_batch(sequences, padding_idx):
    out = torch.full((len(sequences), max(map(len, sequences))), padding_idx, dtype=torch.long)
    for row, sequence in enumerate(sequences):
        out[row, : len(sequence)] = torch.tensor(sequence)
    return out


def _bag_forward(self, tokens):
    real = tokens.ne(self.padding_idx)
    count = real.sum(dim=1, keepdim=True)
    summed = self.embedding(tokens).sum(dim=1)  # the padding row is zero and stays zero
    return self.classifier(summed / count)


BagOfEmbeddings.forward = _bag_forward


def l2_penalty(model, weight_decay):
    total = torch.zeros(())
    for param in model.parameters():
        total = total + (param * param).sum()
    return total * weight_decay / 2
