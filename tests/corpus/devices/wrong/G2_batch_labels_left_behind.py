"""G2: move_batch moves the inputs (the first tensor) and forgets the labels.

check: moves_whole_batch
status: failed
mentions: moving a whole batch; [1] is on device cpu; labels included
"""


def move_batch(batch, device):
    if isinstance(batch, dict):
        return {k: v.to(device) if k == "image" else v for k, v in batch.items()}
    first, *rest = batch
    return type(batch)([first.to(device), *rest])
