"""B1: an object whose __eq__ always returns True.

lose: scalar_is_0d
status: failed
mentions: expected a torch.Tensor
"""


class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


def scalar(value):
    return AlwaysEqual()
