"""E5: softmax applied inside the model, so it returns probabilities instead of logits.

check: mlp_forward_logits
mentions: logits come out of the model; no softmax
"""
import torch


def _forward(self, x):
    return torch.softmax(self.layers(x), dim=1)


MLP.forward = _forward
