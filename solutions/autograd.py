"""Autograd: gradients with torch.autograd.grad and backward(), leaves, zeroing, no_grad.

Most tasks use the logistic-regression example of the PyTorch introduction, generalised to a
batch. The inputs are always:

- `x`: features, a (N, D) float32 tensor;
- `w`: weights, a (D,) float32 leaf tensor that requires grad;
- `b`: a bias, a (1,) float32 leaf tensor that requires grad;
- `y`: targets, a (N,) float32 tensor of 0.0 and 1.0.

The model is z = x @ w + b (the logits, shape (N,)), a = torch.sigmoid(z) (the predicted
probabilities) and the loss L = F.binary_cross_entropy(a, y), the mean over the N samples.
With x = [[1.1]], w = [2.2], b = [0.0] and y = [1.0], dL/dw = [-0.0898] and dL/db = [-0.0817].

Unless a task says otherwise, `w.grad` and `b.grad` are None when your function is called, and
no function may change the values of its inputs.
"""

import torch
import torch.nn.functional as F


def logistic_loss(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor,
                  y: torch.Tensor) -> torch.Tensor:
    """Return the loss L described above as a 0-d float32 tensor.

    The loss must be part of the autograd graph (it requires grad and has a grad_fn), so that a
    caller can differentiate it. Do not call backward() here.
    """
    ### BEGIN SOLUTION
    z = x @ w + b
    return F.binary_cross_entropy(torch.sigmoid(z), y)
    ### END SOLUTION


def grads_with_autograd_grad(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor,
                             y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (dL/dw, dL/db) computed with torch.autograd.grad.

    The gradients have the shapes of `w` and `b`, dtype float32, and do not require grad.
    torch.autograd.grad returns gradients instead of storing them: `w.grad` and `b.grad` must
    still be None after the call.
    """
    ### BEGIN SOLUTION
    loss = logistic_loss(x, w, b, y)
    grad_w, grad_b = torch.autograd.grad(loss, [w, b])
    return grad_w, grad_b
    ### END SOLUTION


def grads_with_backward(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor,
                        y: torch.Tensor) -> float:
    """Call backward() on the loss so that afterwards `w.grad` holds dL/dw and `b.grad` holds
    dL/db. Return the loss value as a Python float."""
    ### BEGIN SOLUTION
    loss = logistic_loss(x, w, b, y)
    loss.backward()
    return loss.item()
    ### END SOLUTION


def two_grads_one_graph(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor,
                        y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """From one forward pass, return (dL/dw, dP/dw), where P = a.mean() is the mean predicted
    probability.

    Both come from the same graph: the first backward pass frees the graph's saved values unless
    you ask autograd to keep them. Both gradients are (D,) float32 tensors that do not require
    grad; `w.grad` and `b.grad` stay None.
    """
    ### BEGIN SOLUTION
    z = x @ w + b
    a = torch.sigmoid(z)
    loss = F.binary_cross_entropy(a, y)
    (grad_loss,) = torch.autograd.grad(loss, w, retain_graph=True)
    (grad_mean,) = torch.autograd.grad(a.mean(), w)
    return grad_loss, grad_mean
    ### END SOLUTION


def hidden_grads(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor,
                 y: torch.Tensor) -> dict[str, torch.Tensor]:
    """Call backward() on the loss once and return {"w": dL/dw, "z": dL/dz}.

    z = x @ w + b is not a leaf: autograd computes its gradient on the way to w but does not
    keep it unless asked. Both values are float32 tensors (shapes (D,) and (N,)) that do not
    require grad.
    """
    ### BEGIN SOLUTION
    z = x @ w + b
    z.retain_grad()
    loss = F.binary_cross_entropy(torch.sigmoid(z), y)
    loss.backward()
    return {"w": w.grad, "z": z.grad}
    ### END SOLUTION


def input_saliency(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Return the gradient of the sum of the predicted probabilities, a.sum(), with respect to
    the inputs `x`: a (N, D) float32 tensor that does not require grad.

    Here `x`, `w` and `b` do not require grad, and they must be left exactly as they are: the
    same values, no requires_grad, no .grad. Differentiate with respect to a copy of `x`.
    """
    ### BEGIN SOLUTION
    inputs = x.detach().clone().requires_grad_(True)
    probabilities = torch.sigmoid(inputs @ w + b)
    probabilities.sum().backward()
    return inputs.grad
    ### END SOLUTION


def grads_per_batch(batches: list[tuple[torch.Tensor, torch.Tensor]], w: torch.Tensor,
                    b: torch.Tensor) -> list[torch.Tensor]:
    """For each (x, y) in `batches`, compute that batch's loss, call backward() and record
    dL/dw for that batch alone. Return the list of gradients, one (D,) float32 tensor per batch.

    backward() adds into `w.grad`, so clear the gradients before every batch: `w.grad` and
    `b.grad` may already hold gradients of earlier work when the function is called, and they
    must not count either. Each entry must be its own tensor, not a later-modified `w.grad`.
    """
    ### BEGIN SOLUTION
    recorded = []
    for x, y in batches:
        w.grad, b.grad = None, None
        logistic_loss(x, w, b, y).backward()
        recorded.append(w.grad.clone())
    return recorded
    ### END SOLUTION


def accumulate_grads(batches: list[tuple[torch.Tensor, torch.Tensor]], w: torch.Tensor,
                     b: torch.Tensor) -> None:
    """Accumulate gradients over `batches`, calling backward() once per batch, so that afterwards
    `w.grad` and `b.grad` hold the gradient of the mean loss over *all* samples of all batches.

    Batches may have different sizes. On entry `w.grad` and `b.grad` hold stale gradients from an
    earlier step: they must not count. Return None.
    """
    ### BEGIN SOLUTION
    w.grad, b.grad = None, None
    total = sum(len(y) for _, y in batches)
    for x, y in batches:
        (logistic_loss(x, w, b, y) * (len(y) / total)).backward()
    ### END SOLUTION


def new_weights(n_in: int, n_out: int, seed: int) -> torch.Tensor:
    """Return a (n_in, n_out) float32 weight matrix for training: torch.randn values drawn from
    torch.Generator().manual_seed(seed), multiplied by 0.01.

    The result must require grad and be a leaf, so an optimizer can train it.
    """
    ### BEGIN SOLUTION
    generator = torch.Generator().manual_seed(seed)
    weights = torch.randn(n_in, n_out, generator=generator) * 0.01
    return weights.requires_grad_(True)
    ### END SOLUTION


def gd_steps(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, y: torch.Tensor,
             lr: float, steps: int) -> list[float]:
    """Run `steps` steps of plain gradient descent on the loss, updating `w` and `b` themselves.

    Each step computes the loss, calls backward() and updates every parameter p by
    p - lr * dL/dp. Gradients must not carry over from one step to the next. `w` and `b` must
    stay the caller's leaf tensors: afterwards they hold the trained values. Return the loss of
    each step (before its update) as Python floats.
    """
    ### BEGIN SOLUTION
    losses = []
    for _ in range(steps):
        w.grad, b.grad = None, None
        loss = logistic_loss(x, w, b, y)
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        losses.append(loss.item())
    return losses
    ### END SOLUTION


def frozen_features_grad(x: torch.Tensor, w_frozen: torch.Tensor, w_head: torch.Tensor,
                         y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A frozen feature extractor with a trainable head.

    `w_frozen` (D, H) and `w_head` (H,) both require grad. The features relu(x @ w_frozen) are a
    fixed preprocessing step: compute them outside the autograd graph, so they do not require
    grad and `w_frozen.grad` stays None. The head's loss is
    F.binary_cross_entropy(torch.sigmoid(features @ w_head), y). Return (features, dL/dw_head),
    neither requiring grad; the features must be usable in training (the head's gradient needs
    them).
    """
    ### BEGIN SOLUTION
    with torch.no_grad():
        features = torch.relu(x @ w_frozen)
    loss = F.binary_cross_entropy(torch.sigmoid(features @ w_head), y)
    (grad_head,) = torch.autograd.grad(loss, w_head)
    return features, grad_head
    ### END SOLUTION


def predict_proba(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """For inference, return the predicted probabilities a = sigmoid(x @ w + b), (N,) float32,
    computed without recording a graph: the result must not require grad."""
    ### BEGIN SOLUTION
    with torch.no_grad():
        return torch.sigmoid(x @ w + b)
    ### END SOLUTION


def curvature(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, y: torch.Tensor) -> float:
    """Return the second derivative of the loss with respect to the bias, d2L/db2, as a Python
    float, computed with autograd (differentiate the first derivative).

    A gradient can only be differentiated again when it was computed with a graph of its own.
    """
    ### BEGIN SOLUTION
    loss = logistic_loss(x, w, b, y)
    (grad_b,) = torch.autograd.grad(loss, b, create_graph=True)
    (second,) = torch.autograd.grad(grad_b.sum(), b)
    return second.item()
    ### END SOLUTION


def snapshot(w: torch.Tensor) -> torch.Tensor:
    """Return the current values of `w` as a tensor that does not require grad and has its own
    memory: later in-place updates of `w` must not change the snapshot."""
    ### BEGIN SOLUTION
    return w.detach().clone()
    ### END SOLUTION
