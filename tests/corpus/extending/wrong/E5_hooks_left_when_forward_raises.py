"""E5 (4.5): hooks removed after a successful forward pass only: when model(x) raises, they stay.

check: hooks_removed
mentions: hooks are removed after use; finally
"""


def record_activations(model, x, names):
    modules = dict(model.named_modules())
    records = {}
    handles = [modules[name].register_forward_hook(
        lambda module, inputs, output, name=name: records.__setitem__(
            name, output.detach().clone()))
        for name in names]
    model(x)
    for handle in handles:
        handle.remove()
    return records
