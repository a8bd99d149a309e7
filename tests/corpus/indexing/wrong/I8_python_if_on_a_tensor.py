"""I8: a Python if on x > 0 asks one tensor of many booleans for a single truth value.

check: where_keeps_graph
concept: element-wise conditions
status: error
mentions: torch.where keeps the graph; element-wise conditions; torch.where(cond, a, b)
"""


def leaky(x, slope):
    if x > 0:
        return x
    return slope * x
