"""Alternative idioms: F.dropout, a BatchNorm1d that is PyTorch's (its state has one more
buffer, num_batches_tracked), a zero batch through the features for the flatten size, and the
penalty from parameters' norms.
"""
import torch
import torch.nn.functional as F
from torch import nn


def dropout(x, p, training):
    return F.dropout(x, p, training)


class BatchNorm1d(nn.BatchNorm1d):
    def __init__(self, num_features):
        super().__init__(num_features, eps=1e-5, momentum=0.1)


def layer_norm(x, weight, bias, eps=1e-5):
    centred = x - x.mean(-1, keepdim=True)
    return centred / centred.pow(2).mean(-1, keepdim=True).add(eps).sqrt() * weight + bias


def _convnet_init(self, in_channels, height, width, num_classes):
    nn.Module.__init__(self)
    self.features = nn.Sequential(
        nn.Conv2d(in_channels, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
    with torch.no_grad():
        shape = self.features(torch.zeros(1, in_channels, height, width)).shape
    self.classifier = nn.Linear(shape[1] * shape[2] * shape[3], num_classes)


def _convnet_forward(self, x):
    return self.classifier(self.features(x).flatten(1))


SmallConvNet.__init__ = _convnet_init
SmallConvNet.forward = _convnet_forward


def l2_penalty(model, weight_decay):
    return sum(torch.linalg.vector_norm(p) ** 2 for p in model.parameters()) * weight_decay / 2
