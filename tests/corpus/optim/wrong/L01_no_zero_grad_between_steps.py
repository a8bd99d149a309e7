"""L1: accumulation that never clears the gradients after a step, so every step also carries
the gradients of all the steps before it.

check: zero_grad_between_steps
mentions: zero_grad between optimizer steps; earlier steps' gradients
"""


def train_accumulated(model, micro_batches, loss_fn, optimizer, accumulate):
    optimizer.zero_grad()
    for i, (x, y) in enumerate(micro_batches, start=1):
        (loss_fn(model(x), y) / accumulate).backward()
        if i % accumulate == 0:
            optimizer.step()
