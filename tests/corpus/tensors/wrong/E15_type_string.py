"""E15: x.type() returns a string such as 'torch.FloatTensor', not a torch.dtype.

check: attributes
status: failed
mentions: tensor attributes; str
"""


def describe(x):
    return {"shape": x.shape, "dtype": x.type(), "device": x.device, "ndim": x.ndim,
            "numel": x.numel()}
