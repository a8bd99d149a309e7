"""A8: inference without no_grad: the probabilities require grad and keep the graph alive.

check: inference_without_graph
mentions: inference under no_grad; require grad
"""
import torch


def predict_proba(model, x):
    return torch.softmax(model(x), dim=1)
