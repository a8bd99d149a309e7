"""E5 (4.5): hooks registered and never removed: they keep recording on every later forward
pass.

check: hooks_removed
mentions: hooks are removed after use; handle.remove()
"""


def record_activations(model, x, names):
    modules = dict(model.named_modules())
    records = {}
    for name in names:
        modules[name].register_forward_hook(
            lambda module, inputs, output, name=name: records.__setitem__(
                name, output.detach().clone()))
    model(x)
    return records
