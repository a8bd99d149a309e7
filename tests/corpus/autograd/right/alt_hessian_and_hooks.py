"""torch.autograd.functional.hessian, backward(gradient=...), autograd.grad for a non-leaf,
and updates through .data-free in-place ops."""
import torch
import torch.nn.functional as F


def curvature(x, w, b, y):
    hessian = torch.autograd.functional.hessian(lambda bias: logistic_loss(x, w, bias, y), b)
    return float(hessian.reshape(-1)[0])


def hidden_grads(x, w, b, y):
    z = x @ w + b
    loss = F.binary_cross_entropy(torch.sigmoid(z), y)
    grad_w, grad_z = torch.autograd.grad(loss, [w, z])
    return {"w": grad_w, "z": grad_z}


def input_saliency(x, w, b):
    inputs = x.detach().requires_grad_(True)
    probabilities = torch.sigmoid(inputs @ w + b)
    probabilities.backward(gradient=torch.ones_like(probabilities))
    return inputs.grad


def grads_with_backward(x, w, b, y):
    loss = logistic_loss(x, w, b, y)
    torch.autograd.backward(loss)
    return float(loss.detach())


def gd_steps(x, w, b, y, lr, steps):
    losses = []
    for _ in range(steps):
        loss = logistic_loss(x, w, b, y)
        grad_w, grad_b = torch.autograd.grad(loss, [w, b])
        with torch.no_grad():
            w.sub_(lr * grad_w)
            b.sub_(lr * grad_b)
        losses.append(loss.item())
    return losses
