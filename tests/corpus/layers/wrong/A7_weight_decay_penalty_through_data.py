"""A7: the penalty computed through .data, which autograd does not see: it has a value but no
gradient, so it shrinks nothing.

check: weight_decay_shrinkage
mentions: weight decay shrinks the parameters; stays in the autograd graph
"""


def l2_penalty(model, weight_decay):
    return weight_decay / 2 * sum(p.data.pow(2).sum() for p in model.parameters())
