"""L11: accuracy from argmax(dim=0), the best sample per class instead of a class per sample.

check: accuracy_per_row
status: failed
mentions: accuracy from logits; dim=1
"""


def accuracy(logits, labels):
    return (logits.argmax(dim=0) == labels).float().mean().item()
