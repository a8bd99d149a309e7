"""A9: no_grad wrapped around the forward pass, so the model can never be trained.

check: mlp_forward_logits
mentions: logits come out of the model; require grad; no torch.no_grad() inside forward
"""
import torch


def _forward(self, x):
    with torch.no_grad():
        return self.layers(x)


MLP.forward = _forward
