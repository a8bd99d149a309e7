"""4.4 (weight decay): an L2 penalty of weight_decay * sum(p**2): without the 1/2 its
gradient is 2 * weight_decay * p, twice the decay SGD's weight_decay applies.

check: weight_decay_shrinkage
mentions: weight decay shrinks the parameters; weight_decay / 2
"""


def l2_penalty(model, weight_decay):
    return weight_decay * sum(p.pow(2).sum() for p in model.parameters())
