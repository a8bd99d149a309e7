"""Layers: dropout and normalisation by hand, initialisation, flatten sizes, embeddings, weight
decay.

Write what nn.Dropout, nn.BatchNorm1d and nn.LayerNorm compute, so that you know what train()
and eval() change; initialise weights so that a network can learn; size a classifier from its
input; embed padded token sequences; and regularise with weight decay. The checks compare your
layers with PyTorch's own, run in the grading process on the same inputs.

The checks construct your classes themselves and set their weights, so keep the attribute
names given below.
"""

import torch
from torch import nn


def dropout(x: torch.Tensor, p: float, training: bool) -> torch.Tensor:
    """Inverted dropout, as nn.Dropout(p) computes it.

    With `training=True`, zero each element of `x` independently with probability `p` and
    multiply the elements that survive by 1 / (1 - p), so every element keeps its expected
    value. Draw a new mask on every call, from PyTorch's global random generator (for instance
    with torch.rand_like or torch.bernoulli). With `training=False`, return `x` unchanged: the
    scaling already happened in training. 0 <= p < 1.

    The result has x's shape and dtype and stays in the autograd graph: gradients reach `x`
    through the surviving elements, scaled by 1 / (1 - p). Do not change `x` itself. Write it
    with tensor operations; the checks compare it with nn.Dropout.
    """
    ### BEGIN SOLUTION
    if not training:
        return x
    keep = (torch.rand_like(x) >= p).to(x.dtype)
    return x * keep / (1 - p)
    ### END SOLUTION


class BatchNorm1d(nn.Module):
    """Batch normalisation of (N, C) batches, as nn.BatchNorm1d(num_features) computes it.

    `BatchNorm1d(num_features)` has the parameters `weight` (ones) and `bias` (zeros) and the
    buffers `running_mean` (zeros) and `running_var` (ones), all of shape (C,), under these
    attribute names (the checks set and read them), with momentum 0.1 and eps 1e-5.

    In training mode, forward normalises each feature (column) with the mean and the biased
    variance of this batch, y = (x - mean) / sqrt(var + eps) * weight + bias, so each row's
    output depends on the rest of the batch (N >= 2). It also updates the running statistics,
    running = (1 - momentum) * running + momentum * batch statistic, where running_var takes
    the unbiased variance (divided by N - 1). The running statistics are state, not part of the
    autograd graph.

    In eval mode, forward uses running_mean and running_var instead of the batch's statistics,
    so each row's output depends on that row alone, and the running statistics do not change.
    In both modes gradients reach the input, weight and bias.
    """

    def __init__(self, num_features: int) -> None:
        super().__init__()
        self.momentum = 0.1
        self.eps = 1e-5
        ### BEGIN SOLUTION
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        if self.training:
            mean = x.mean(dim=0)
            var = x.var(dim=0, unbiased=False)
            with torch.no_grad():
                unbiased = x.var(dim=0, unbiased=True)
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * unbiased)
        else:
            mean, var = self.running_mean, self.running_var
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias
        ### END SOLUTION


def layer_norm(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
               eps: float = 1e-5) -> torch.Tensor:
    """Layer normalisation of a (N, T, D) batch of sequences, as nn.LayerNorm(D) computes it.

    Normalise every vector x[n, t, :] over its D features with their own mean and biased
    variance, y = (x - mean) / sqrt(var + eps) * weight + bias, where `weight` and `bias` have
    shape (D,). Unlike BatchNorm, no statistic crosses samples or positions, and there is no
    difference between training and evaluation. Return a (N, T, D) tensor in the autograd graph.
    """
    ### BEGIN SOLUTION
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
    ### END SOLUTION


def init_relu_mlp(model: nn.Sequential) -> None:
    """Initialise, in place, every nn.Linear layer of `model`, a stack of Linear layers each
    followed by ReLU, for training.

    Weights: Kaiming (He) normal for ReLU in fan-in mode, drawn from a normal distribution with
    mean 0 and standard deviation sqrt(2 / fan_in), where fan_in is the layer's number of
    inputs (in_features). Biases: zeros. Draw from PyTorch's global random generator.
    Return None.
    """
    ### BEGIN SOLUTION
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    ### END SOLUTION


def init_tanh_mlp(model: nn.Sequential) -> None:
    """Initialise, in place, every nn.Linear layer of `model`, a stack of Linear layers each
    followed by tanh.

    Weights: Xavier (Glorot) uniform with the gain for tanh, 5/3: uniform on [-a, a] with
    a = gain * sqrt(6 / (fan_in + fan_out)), where fan_in is in_features and fan_out is
    out_features. Biases: zeros. Draw from PyTorch's global random generator. Return None.
    """
    ### BEGIN SOLUTION
    gain = nn.init.calculate_gain("tanh")
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            nn.init.xavier_uniform_(layer.weight, gain=gain)
            nn.init.zeros_(layer.bias)
    ### END SOLUTION


class SmallConvNet(nn.Module):
    """A small image classifier for (N, in_channels, height, width) float32 batches.

    `SmallConvNet(in_channels, height, width, num_classes)` has two parts:

    - `self.features = nn.Sequential(nn.Conv2d(in_channels, 8, kernel_size=3, padding=1),
      nn.ReLU(), nn.MaxPool2d(2))`;
    - `self.classifier = nn.Linear(flat, num_classes)`, where `flat` is the number of values
      `features` produces for one image of the given height and width. Derive it from the input
      size: it must be right for any height and width (MaxPool2d(2) rounds odd sizes down),
      so a number worked out for one size (SmallConvNet(1, 28, 28, 10) has flat = 1568) is not
      enough.

    forward(x) returns the (N, num_classes) logits: the features of each image flattened into
    one row (the batch dimension stays), then the classifier.
    """

    def __init__(self, in_channels: int, height: int, width: int, num_classes: int) -> None:
        super().__init__()
        ### BEGIN SOLUTION
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        with torch.no_grad():
            flat = self.features(torch.zeros(1, in_channels, height, width)).numel()
        self.classifier = nn.Linear(flat, num_classes)
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        return self.classifier(torch.flatten(self.features(x), start_dim=1))
        ### END SOLUTION


def pad_batch(sequences: list[list[int]], padding_idx: int) -> torch.Tensor:
    """Turn token sequences of different lengths into one (N, T) tensor of indices for
    nn.Embedding, T being the length of the longest sequence: each row holds one sequence,
    padded at the end with `padding_idx`. Embedding lookups need integer indices: the result is
    int64 (torch.long). Every sequence has at least one token.
    """
    ### BEGIN SOLUTION
    longest = max(len(s) for s in sequences)
    rows = [s + [padding_idx] * (longest - len(s)) for s in sequences]
    return torch.tensor(rows, dtype=torch.int64)
    ### END SOLUTION


class BagOfEmbeddings(nn.Module):
    """A text classifier: the mean of a sequence's token embeddings, then a linear layer.

    `BagOfEmbeddings(vocab_size, dim, num_classes, padding_idx)` has
    `self.embedding`, an nn.Embedding(vocab_size, dim) whose row `padding_idx` is the padding
    token's: it starts at zero and never receives a gradient, so training leaves it at zero;
    and `self.classifier = nn.Linear(dim, num_classes)`.

    forward(tokens) takes a (N, T) int64 batch from pad_batch and returns (N, num_classes)
    logits: the classifier applied to the mean of the embeddings of each row's tokens, padding
    tokens excluded (a row [5, 7, pad, pad] is the mean of two embeddings).
    """

    def __init__(self, vocab_size: int, dim: int, num_classes: int, padding_idx: int) -> None:
        super().__init__()
        self.padding_idx = padding_idx
        ### BEGIN SOLUTION
        self.embedding = nn.Embedding(vocab_size, dim, padding_idx=padding_idx)
        self.classifier = nn.Linear(dim, num_classes)
        ### END SOLUTION

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        real = (tokens != self.padding_idx).unsqueeze(-1).to(self.embedding.weight.dtype)
        summed = (self.embedding(tokens) * real).sum(dim=1)
        return self.classifier(summed / real.sum(dim=1))
        ### END SOLUTION


def l2_penalty(model: nn.Module, weight_decay: float) -> torch.Tensor:
    """Return the L2 regularisation term (weight_decay / 2) * (the sum of the squares of every
    parameter of `model`), as a 0-d tensor in the autograd graph.

    Added to a loss, its gradient with respect to each parameter p is weight_decay * p, which
    is what torch.optim.SGD(..., weight_decay=weight_decay) adds to the gradient: every SGD step
    then shrinks each parameter by lr * weight_decay * p on top of the data's gradient.
    """
    ### BEGIN SOLUTION
    return weight_decay / 2 * sum(p.pow(2).sum() for p in model.parameters())
    ### END SOLUTION
