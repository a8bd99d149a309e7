"""I8: a loop of Python numbers rebuilt with torch.tensor leaves the autograd graph.

check: where_keeps_graph
status: failed
mentions: torch.where keeps the graph; does not require grad; torch.where
"""
import torch


def leaky(x, slope):
    rows = [[v if v > 0 else slope * v for v in row] for row in x.tolist()]
    return torch.tensor(rows)
