"""Alternative idioms: parameter groups by name ("bias", "norm"); Adam with
decoupled_weight_decay=True for AdamW; LambdaLR for the step decay and LinearLR for the
warm-up; accumulation that clears the gradients at the start of each window, weighting each
micro-batch by its share of the samples; a report that reuses nothing but classify_run."""
import torch
import torch.nn.functional as F


def adam_with_decoupled_decay(params, lr, weight_decay):
    return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay,
                            decoupled_weight_decay=True)


def grouped_adamw(model, lr, weight_decay):
    no_decay = [p for n, p in model.named_parameters() if "bias" in n or "norm" in n]
    decay = [p for n, p in model.named_parameters() if not ("bias" in n or "norm" in n)]
    return torch.optim.AdamW([{"params": decay}, {"params": no_decay, "weight_decay": 0.0}],
                             lr=lr, weight_decay=weight_decay)


def train_accumulated(model, micro_batches, loss_fn, optimizer, accumulate):
    for start in range(0, len(micro_batches), accumulate):
        window = micro_batches[start:start + accumulate]
        total = sum(len(y) for _, y in window)
        optimizer.zero_grad()
        for x, y in window:
            (loss_fn(model(x), y) * len(y) / total).backward()
        optimizer.step()


def train_step_lr(model, batches, loss_fn, optimizer, epochs, step_size, gamma):
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer,
                                                  lambda epoch: gamma ** (epoch // step_size))
    for _ in range(epochs):
        for x, y in batches:
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        scheduler.step()


def train_warmup(model, batches, loss_fn, optimizer, warmup_steps):
    scheduler = torch.optim.lr_scheduler.LinearLR(
        optimizer, start_factor=1 / warmup_steps, end_factor=1.0,
        total_iters=max(warmup_steps - 1, 1))
    for x, y in batches:
        optimizer.zero_grad()
        F.mse_loss(model(x), y).backward()
        optimizer.step()
        scheduler.step()


def sweep_report(x, y, w0, lrs, steps):
    return list(map(classify_run, lr_sweep(x, y, w0, lrs, steps)))  # noqa: F821
