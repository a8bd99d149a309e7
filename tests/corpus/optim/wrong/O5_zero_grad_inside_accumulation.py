"""O5 (and L1's opposite): zero_grad() before every micro-batch's backward, as in a plain
loop, so only the last micro-batch of a window reaches the step.

check: accumulation_averages_micro_batches
mentions: only the last micro-batch
"""


def train_accumulated(model, micro_batches, loss_fn, optimizer, accumulate):
    for i, (x, y) in enumerate(micro_batches, start=1):
        optimizer.zero_grad()
        (loss_fn(model(x), y) / accumulate).backward()
        if i % accumulate == 0:
            optimizer.step()
