"""A13: a forward hook stores output.detach(), assuming it copies: the in-place ReLU that follows
overwrites the record.

check: hooks_detached
mentions: recorded activations are detached copies; output.detach().clone()
"""


def record_activations(model, x, names):
    modules = dict(model.named_modules())
    records = {}
    handles = [modules[name].register_forward_hook(
        lambda module, inputs, output, name=name: records.__setitem__(name, output.detach()))
        for name in names]
    try:
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return records
