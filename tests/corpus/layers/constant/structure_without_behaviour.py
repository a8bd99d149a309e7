"""Hard-coded answers: every function returns a constant of the right type and every class
has the right structure but no behaviour. No check may award it a point.

whole: true
"""
import torch
from torch import nn


def dropout(x, p, training):
    return torch.zeros_like(x)


class BatchNorm1d(nn.Module):
    def __init__(self, num_features):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x):
        return torch.zeros_like(x)


def layer_norm(x, weight, bias, eps=1e-5):
    return torch.zeros_like(x)


def init_relu_mlp(model):
    return None


def init_tanh_mlp(model):
    return None


class SmallConvNet(nn.Module):
    def __init__(self, in_channels, height, width, num_classes):
        super().__init__()
        self.num_classes = num_classes
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(8 * (height // 2) * (width // 2), num_classes)

    def forward(self, x):
        return torch.zeros(len(x), self.num_classes)


def pad_batch(sequences, padding_idx):
    return torch.zeros(len(sequences), max(len(s) for s in sequences), dtype=torch.long)


class BagOfEmbeddings(nn.Module):
    def __init__(self, vocab_size, dim, num_classes, padding_idx):
        super().__init__()
        self.num_classes = num_classes
        self.embedding = nn.Embedding(vocab_size, dim, padding_idx=padding_idx)
        self.classifier = nn.Linear(dim, num_classes)

    def forward(self, tokens):
        return torch.zeros(len(tokens), self.num_classes)


def l2_penalty(model, weight_decay):
    return torch.zeros((), requires_grad=True)
