"""c3: returns objects of classes named like data: ``torch.Tensor``, ``float``, ``list``,
``dict``, ``numpy.ndarray``. They travel as "an object of type NAME", and the name is the
learner's to choose; a comparison that trusted the name would read them as data and crash.

via: paths
class: 3
base: stub
lose: all
mentions: object that is not plain data
"""


def _named(module, name):
    return type(name, (), {"__module__": module})()


def scalar(value):
    return _named("torch", "Tensor")


def from_data(data):
    return _named("builtins", "list")


def labels_tensor(labels):
    return _named("torch", "Tensor")


def describe(x):
    return _named("builtins", "dict")


def share_numpy(array):
    return _named("numpy", "ndarray")
