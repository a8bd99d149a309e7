"""G1: t.to(device) without keeping the result; tensor .to is not in place.

check: moves_whole_batch
status: failed
mentions: moving a whole batch; is on device cpu; expected meta; keep what it returns
"""


def move_batch(batch, device):
    for value in (batch.values() if isinstance(batch, dict) else batch):
        value.to(device)
    return batch
