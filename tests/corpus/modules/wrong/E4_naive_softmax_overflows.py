"""E4: a hand-written exp(x) / exp(x).sum() overflows to nan for large logits.

check: softmax_probabilities
mentions: softmax over the class dimension; stays finite for large logits
"""
import torch


def predict_proba(model, x):
    with torch.no_grad():
        scores = model(x).exp()
        return scores / scores.sum(dim=1, keepdim=True)
