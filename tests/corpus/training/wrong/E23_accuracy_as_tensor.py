"""E23: accuracy returned as a 0-d tensor instead of a Python float.

check: accuracy_per_row
mentions: accuracy from logits; float; .item()
"""


def accuracy(logits, labels):
    return (logits.argmax(dim=1) == labels).float().mean()
