"""Every function returns zeros of the right shape and dtype, with the graph, leaves and .grad
the task asks for (a loss that requires grad, leaves that stay leaves, .grad filled with
zeros), so only the values give it away."""
import torch


def logistic_loss(x, w, b, y):
    return (x @ w + b).sum() * 0


def grads_with_autograd_grad(x, w, b, y):
    return torch.zeros_like(w), torch.zeros_like(b)


def grads_with_backward(x, w, b, y):
    w.grad, b.grad = torch.zeros_like(w), torch.zeros_like(b)
    return 0.0


def two_grads_one_graph(x, w, b, y):
    return torch.zeros_like(w), torch.zeros_like(w)


def hidden_grads(x, w, b, y):
    return {"w": torch.zeros_like(w), "z": torch.zeros(len(x))}


def input_saliency(x, w, b):
    return torch.zeros_like(x)


def grads_per_batch(batches, w, b):
    return [torch.zeros_like(w) for _ in batches]


def accumulate_grads(batches, w, b):
    w.grad, b.grad = torch.zeros_like(w), torch.zeros_like(b)


def new_weights(n_in, n_out, seed):
    return torch.zeros(n_in, n_out, requires_grad=True)


def gd_steps(x, w, b, y, lr, steps):
    return [0.0] * steps


def frozen_features_grad(x, w_frozen, w_head, y):
    return torch.zeros(len(x), w_frozen.shape[1]), torch.zeros_like(w_head)


def predict_proba(x, w, b):
    return torch.zeros(len(x))


def curvature(x, w, b, y):
    return 0.0


def snapshot(w):
    return torch.zeros_like(w)
