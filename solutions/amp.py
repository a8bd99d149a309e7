"""Mixed precision: autocast regions and gradient scaling.

Under `torch.autocast(device_type, dtype=...)` layers such as `nn.Linear` compute in a low
precision dtype (bfloat16 or float16) while losses and parameters stay float32. float16 has a
small range, so tiny gradients underflow to zero; a `GradScaler` multiplies the loss before
`backward()`, divides the gradients back before the optimizer uses them, skips steps whose
gradients overflowed, and adapts its scale.

The checks run on the CPU, where `torch.autocast("cpu", ...)` and `torch.amp.GradScaler("cpu")`
are real, and on a CUDA GPU where one exists. Where a function takes a `scaler`, the checks
pass one in: use it, do not make your own.
"""

import torch
from torch import nn


def autocast_forward(model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor,
                     device_type: str, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """Run `model(inputs)` and the cross-entropy loss against `labels` in an autocast region
    for `device_type` ("cpu" or "cuda") with `dtype` (bfloat16 or float16).

    Return `(logits, loss)`: the logits come out in `dtype`, the loss in float32. Leave the
    model and the inputs as they are (autocast chooses each operation's precision), so the
    parameters stay float32.
    """
    ### BEGIN SOLUTION
    with torch.autocast(device_type=device_type, dtype=dtype):
        logits = model(inputs)
        loss = nn.functional.cross_entropy(logits, labels)
    return logits, loss
    ### END SOLUTION


def make_scaler(device_type: str, dtype: torch.dtype) -> torch.amp.GradScaler:
    """Return a `GradScaler` for `device_type` that is enabled when `dtype` is float16.

    float16 gradients underflow without scaling. bfloat16 has float32's range and needs no
    scaling, so for bfloat16 the scaler may be enabled or disabled.
    """
    ### BEGIN SOLUTION
    return torch.amp.GradScaler(device_type, enabled=dtype == torch.float16)
    ### END SOLUTION


def train_step(model: nn.Module, batch, loss_fn, optimizer: torch.optim.Optimizer,
               scaler: torch.amp.GradScaler, device_type: str, dtype: torch.dtype,
               max_norm: float | None = None) -> torch.Tensor:
    """One mixed-precision training step; return the loss, detached.

    `batch` is `(inputs, targets)`, already on the model's device. Compute
    `loss_fn(model(inputs), targets)` under autocast (`device_type`, `dtype`), backpropagate the
    loss scaled by `scaler`, and step the optimizer through the scaler, which skips the step
    when a gradient is inf or NaN; then let the scaler update its scale. When `max_norm` is
    given, clip the gradients' total norm to `max_norm` before the step; clipping must see the
    true (unscaled) gradients. Gradients of an earlier step must not leak into this one.
    """
    ### BEGIN SOLUTION
    inputs, targets = batch
    optimizer.zero_grad()
    with torch.autocast(device_type=device_type, dtype=dtype):
        loss = loss_fn(model(inputs), targets)
    scaler.scale(loss).backward()
    if max_norm is not None:
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    scaler.step(optimizer)
    scaler.update()
    return loss.detach()
    ### END SOLUTION


def save_checkpoint(path: str, model: nn.Module, optimizer: torch.optim.Optimizer,
                    scaler: torch.amp.GradScaler) -> None:
    """Save everything needed to resume mixed-precision training to `path`: a dict with the
    state dicts of the model, the optimizer and the scaler under the keys "model",
    "optimizer" and "scaler"."""
    ### BEGIN SOLUTION
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "scaler": scaler.state_dict()}, path)
    ### END SOLUTION


def load_checkpoint(path: str, model: nn.Module, optimizer: torch.optim.Optimizer,
                    scaler: torch.amp.GradScaler) -> None:
    """Resume from a checkpoint that `save_checkpoint` wrote: restore the model, the optimizer
    and the scaler in place."""
    ### BEGIN SOLUTION
    checkpoint = torch.load(path)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    scaler.load_state_dict(checkpoint["scaler"])
    ### END SOLUTION
