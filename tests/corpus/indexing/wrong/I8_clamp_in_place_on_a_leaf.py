"""I8/A6: clamp_ writes into x, a leaf that requires grad; autograd refuses.

check: clamp_keeps_graph
concept: in-place operations on leaf tensors
status: error
mentions: clamp keeps the graph; in-place operations on leaf tensors; x.clamp(
"""


def clip(x, low, high):
    return x.clamp_(low, high)
