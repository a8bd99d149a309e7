"""E4 (4.5): a forward hook stores the output itself: every record carries its grad_fn and keeps
the whole graph alive.

check: hooks_detached
mentions: recorded activations are detached copies; keep the autograd graph alive
"""


def record_activations(model, x, names):
    modules = dict(model.named_modules())
    records = {}
    handles = [modules[name].register_forward_hook(
        lambda module, inputs, output, name=name: records.__setitem__(name, output))
        for name in names]
    try:
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return records
