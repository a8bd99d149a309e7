"""Every step leaves the parameters alone and returns a constant of the right type (an AdamW
with the right groups but learning rate 0, a norm of 0.0, flat loss curves, one label for
every run), so only the values give it away."""
import torch


def sgd_step(params, lr):
    return None


def momentum_step(params, state, lr, momentum):
    for i, p in enumerate(params):
        state[i] = torch.zeros_like(p)


def adam_with_decoupled_decay(params, lr, weight_decay):
    return torch.optim.AdamW(params, lr=0.0, weight_decay=weight_decay)


def grouped_adamw(model, lr, weight_decay):
    decay, no_decay = [], []
    for module in model.modules():
        for p in module.parameters(recurse=False):
            (decay if isinstance(module, torch.nn.Linear) and p.ndim > 1 else no_decay).append(p)
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=0.0)


def train_accumulated(model, micro_batches, loss_fn, optimizer, accumulate):
    return None


def clipped_step(model, x, y, loss_fn, optimizer, max_norm):
    return 0.0


def train_step_lr(model, batches, loss_fn, optimizer, epochs, step_size, gamma):
    return None


def train_warmup(model, batches, loss_fn, optimizer, warmup_steps):
    return None


def lr_sweep(x, y, w0, lrs, steps):
    return [[1.0] * (steps + 1) for _ in lrs]


def classify_run(losses):
    return "slow"


def sweep_report(x, y, w0, lrs, steps):
    return ["slow"] * len(lrs)
