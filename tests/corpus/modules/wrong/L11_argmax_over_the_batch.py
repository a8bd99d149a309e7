"""L11: argmax over dim 0 picks a sample per class instead of a class per sample.

check: predicted_classes
mentions: predicted classes from logits; argmax over dim=1
"""
import torch


def predict_classes(model, x):
    with torch.no_grad():
        return model(x).argmax(dim=0)
