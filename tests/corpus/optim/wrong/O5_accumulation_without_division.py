"""O5: gradient accumulation without dividing each micro-batch loss by the number of
micro-batches: the step is `accumulate` times too large.

check: accumulation_averages_micro_batches
mentions: gradient accumulation averages micro-batches; too large; divide
"""


def train_accumulated(model, micro_batches, loss_fn, optimizer, accumulate):
    optimizer.zero_grad()
    for i, (x, y) in enumerate(micro_batches, start=1):
        loss_fn(model(x), y).backward()
        if i % accumulate == 0:
            optimizer.step()
            optimizer.zero_grad()
