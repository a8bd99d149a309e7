"""B2: a Tensor subclass whose __torch_function__ says every comparison holds.

lose: scalar_is_0d; labels_are_int64
status: failed
mentions: expected a torch.Tensor
"""
import torch


class Liar(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.allclose, torch.equal, torch.Tensor.equal):
            return True
        if func in (torch.isclose, torch.eq, torch.Tensor.eq, torch.Tensor.__eq__):
            return torch.ones((), dtype=torch.bool).expand(args[0].shape)
        return super().__torch_function__(func, types, args, kwargs or {})


def scalar(value):
    return torch.zeros(()).as_subclass(Liar)


def labels_tensor(labels):
    return torch.zeros(len(labels), dtype=torch.int64).as_subclass(Liar)
