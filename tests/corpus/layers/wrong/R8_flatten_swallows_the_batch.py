"""R8: torch.flatten without start_dim flattens the batch dimension too.

check: flatten_size_from_input
status: error
mentions: a flatten size derived from the input; mat1 and mat2 shapes cannot be multiplied
"""
import torch


def _forward(self, x):
    return self.classifier(torch.flatten(self.features(x)))


SmallConvNet.forward = _forward
