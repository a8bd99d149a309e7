"""B8: autograd switched off at import; where and clamp then cannot keep a graph, and nothing
leaks into the other checks or the other topic.

lose: where_keeps_graph; clamp_keeps_graph
status: failed
mentions: does not require grad; torch.no_grad()
"""
import torch

torch.set_grad_enabled(False)
