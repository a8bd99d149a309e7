"""torch.func, grad_outputs, a recomputed forward pass, detach() and inference_mode()."""
import torch
import torch.nn.functional as F
from torch.func import grad


def logistic_loss(x, w, b, y):
    return F.binary_cross_entropy(torch.sigmoid(torch.addmv(b.expand(len(x)), x, w)), y)


def grads_with_autograd_grad(x, w, b, y):
    # torch.func differentiates a function of plain tensors; detached inputs give plain results.
    return grad(lambda ww, bb: logistic_loss(x, ww, bb, y), argnums=(0, 1))(w.detach(),
                                                                            b.detach())


def two_grads_one_graph(x, w, b, y):
    # A fresh forward pass per gradient needs no retain_graph.
    (grad_loss,) = torch.autograd.grad(logistic_loss(x, w, b, y), w)
    (grad_mean,) = torch.autograd.grad(torch.sigmoid(x @ w + b).mean(), w)
    return grad_loss, grad_mean


def input_saliency(x, w, b):
    inputs = x.clone().requires_grad_()
    probabilities = torch.sigmoid(inputs @ w + b)
    (saliency,) = torch.autograd.grad(probabilities, inputs,
                                      grad_outputs=torch.ones_like(probabilities))
    return saliency


def frozen_features_grad(x, w_frozen, w_head, y):
    features = torch.relu(x @ w_frozen).detach()
    loss = F.binary_cross_entropy(torch.sigmoid(features @ w_head), y)
    loss.backward(inputs=[w_head])
    return features, w_head.grad.detach().clone()


def predict_proba(x, w, b):
    with torch.inference_mode():
        return torch.sigmoid(x @ w + b)


def snapshot(w):
    return w.clone().detach()
