"""Checks for `devices`: choosing a device, moving data and models, tensors made on the right
device, comparing devices, loading a GPU checkpoint anywhere.

Every check runs the learner's code on `cpu` and on `meta`, a real second device on every build
(forward, backward and optimizer steps run; a tensor left behind raises "Tensor on device cpu
is not on the expected device meta!"). Meta tensors carry no data, so values are compared on
the CPU and devices, shapes and dtypes on both. The GPU tier repeats the checks on `cuda`.
"""

import torch

from torchdojo.checks import both, check, expect, expect_true, mlp, probe, probe_helper

MANUAL = "https://docs.pytorch.org/docs/stable/"  # the PyTorch manual
PAGES = MANUAL + "generated/"  # one page per function or class

DEVICES = ("cpu", "meta")  # devices every machine has; "cuda" is the GPU tier

SAME_DEVICE = ("Every tensor in an operation must be on one device. Create new tensors with "
               "device=x.device (or zeros_like/new_tensor), and move inputs with .to(device).")


def on(value, device):
    """``value`` (a tensor, or a list/tuple/dict of them) moved to ``device`` here."""
    if isinstance(value, dict):
        return {k: on(v, device) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(on(v, device) for v in value)
    return value.to(device) if isinstance(value, torch.Tensor) else value


def draw_model(draw):
    """The state_dict of a small classifier Linear(F, H) -> ReLU -> Linear(H, C), and its
    sizes."""
    features, hidden, classes = draw.integer(3, 6), draw.integer(4, 8), draw.integer(3, 5)
    state = {"0.weight": draw.tensor(hidden, features) * 0.5, "0.bias": draw.tensor(hidden) * 0.1,
             "2.weight": draw.tensor(classes, hidden) * 0.5, "2.bias": draw.tensor(classes) * 0.1}
    return state, features, classes


def draw_batches(draw, features, classes, count):
    """``count`` (inputs, labels) batches on the CPU, as a DataLoader yields them."""
    batches = []
    for _ in range(count):
        n = draw.integer(4, 8)
        batches.append((draw.tensor(n, features), draw.integers(n, lo=0, hi=classes - 1)))
    return batches


# ----------------------------------------------------------------------------- probes


@probe_helper
def on_one_device(call):
    """Run ``call()`` and return its result and the first operation whose tensors sat on two
    devices (``None``: none did).

    PyTorch refuses most such operations, but not all: on ``meta`` an in-place op such as
    ``scores.masked_fill_(cpu_mask, ...)`` runs, where on a GPU it raises. A dispatch mode sees
    every operand of every operation, so a device check does not depend on which op the learner
    chose. A 0-d CPU tensor is a scalar that any device accepts, and copies move between
    devices by design.
    """
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.utils._pytree import tree_leaves

    moves = {"copy_", "_copy_from", "_copy_from_and_resize", "_to_copy", "to"}
    found = []

    class Watch(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            name = func.overloadpacket.__name__
            if not found and name not in moves:
                devices = {str(t.device) for t in tree_leaves((args, kwargs))
                           if isinstance(t, torch.Tensor)
                           and not (t.dim() == 0 and t.device.type == "cpu")}
                if len(devices) > 1:
                    found.append(f"{name} got tensors on {' and '.join(sorted(devices))}")
            return func(*args, **kwargs)

    with Watch():
        result = call()
    return result, (found[0] if found else None)


@probe(uses=[on_one_device])
def probe_one_device(m, name, *args):
    """Call ``m.name(*args)`` watching every operation's devices (``on_one_device``)."""
    return on_one_device(lambda: getattr(m, name)(*args))


ARGUMENTS = {"causal_scores": ("q", "k"), "weighted_loss": ("logits", "labels", "class_weights")}


def expect_on_one_device(learner, ref, name: str, *args, advice: dict) -> None:
    """``name(*args)`` against the reference, then every operation it ran on one device."""
    label = f"{name}({', '.join(ARGUMENTS[name])})"
    (got, crossed), (want, _) = both(learner, ref, probe_one_device, name, *args, label=label)
    expect(got, want, advice=advice)
    expect_true(crossed is None, f"ran an operation across devices: {crossed}.",
                advice=advice["device"], prop="device")


def probe_choose_device(m, cuda, mps):
    """Call choose_device() on a simulated machine; report the kind of device it chose."""
    import contextlib
    from unittest import mock

    import torch

    def accelerator(*args, **kwargs):
        return torch.device("cuda") if cuda else torch.device("mps") if mps else None

    simulated = [
        (torch.cuda, "is_available", lambda: cuda),
        (torch.cuda, "device_count", lambda: int(cuda)),
        (torch.backends.mps, "is_available", lambda: mps),
        (torch.backends.mps, "is_built", lambda: mps),
        (torch.accelerator, "is_available", lambda: cuda or mps),
        (torch.accelerator, "current_accelerator", accelerator),
    ]
    with contextlib.ExitStack() as stack:
        for owner, name, fake in simulated:
            if hasattr(owner, name):
                stack.enter_context(mock.patch.object(owner, name, fake))
        chosen = m.choose_device()
    if isinstance(chosen, (str, torch.device)):
        try:
            return torch.device(chosen).type
        except RuntimeError:
            return chosen
    return chosen


@probe(uses=[mlp])
def probe_training(m, mode, state, batches, device, lr):
    """Train a small classifier with the learner's prepare() or train_step(); return the
    losses and the parameters after the steps."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    model = mlp(state, nn.ReLU())
    losses = []
    if mode == "prepare":
        model, optimizer = m.prepare(model, device, lr)
        for inputs, labels in batches:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(inputs.to(device)), labels.to(device))
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())
    else:
        model.to(device)
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        for batch in batches:
            losses.append(m.train_step(model, batch, optimizer, device))
    return {"losses": losses, "parameters": [p.detach() for p in model.parameters()]}


def probe_standardize(m, mean, std, inputs, device):
    """Build Standardize on the CPU, move it to ``device`` and run it there."""
    module = m.Standardize(mean, std).to(device)
    return module(inputs.to(device))


def probe_standardize_state(m, mean, std):
    """What a checkpoint of Standardize holds, and which of its tensors would be trained."""
    module = m.Standardize(mean, std)
    return {"state_dict": dict(module.state_dict()),
            "trainable": [name for name, p in module.named_parameters() if p.requires_grad]}


def probe_load_checkpoint(m, checkpoint, device):
    """Save ``checkpoint`` as a GPU machine would (storages tagged "cuda:0"), then load it with
    the learner's load_checkpoint(path, device)."""
    import os
    import tempfile
    from unittest import mock

    import torch
    import torch.serialization

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        with mock.patch.object(torch.serialization, "location_tag", lambda storage: "cuda:0"):
            torch.save(checkpoint, path)
        return m.load_checkpoint(path, device)


# ----------------------------------------------------------------------------- checks

MACHINES = [(False, False, "no GPU"), (False, True, "Apple's MPS only"),
            (True, False, "a CUDA GPU"), (True, True, "both CUDA and MPS")]


@check(points=2, concept="choosing a device", hints=[
    "The same script should use a GPU where there is one and still run on a laptop.",
    "Ask PyTorch at run time: torch.cuda.is_available() first, then "
    "torch.backends.mps.is_available(), and fall back to the CPU.",
    'torch.device("cuda" if torch.cuda.is_available() else "mps" if '
    'torch.backends.mps.is_available() else "cpu")',
], docs=MANUAL + "notes/cuda.html#device-agnostic-code")
def chooses_best_device(learner, ref, draw):
    for cuda, mps, machine in MACHINES:
        label = f"choose_device() on a machine with {machine}"
        expect(*both(learner, ref, probe_choose_device, cuda, mps, label=label), advice={
            "values": "Check availability in order: CUDA, then MPS, then the CPU; "
                      "never hard-code a device.",
            "type": "Return a torch.device (or a device string such as 'cuda').",
        })


@check(points=1, concept="comparing devices by type", hints=[
    "Two names can denote the same kind of device: 'cuda' and 'cuda:0', 'cpu' and 'cpu:0'.",
    "torch.device('cpu') == torch.device('cpu:0') is False, and tensors on a GPU always "
    "carry an index ('cuda:0'), so == on devices misleads. Compare .type.",
    "return tensor.device.type == torch.device(device).type",
], docs=MANUAL + "tensor_attributes.html#torch-device")
def compares_device_types(learner, ref, draw):
    x = draw.tensor(*draw.shape(2))
    cases = [(x, "cpu"), (x, "cpu:0"), (x, torch.device("cpu", 0)), (x, "meta"),
             (x.to("meta"), "meta"), (x.to("meta"), torch.device("cpu"))]
    for tensor, device in cases:
        expect(*both(learner, ref, "is_on", tensor, device), advice=(
            "Compare device types: tensor.device.type == torch.device(device).type; a device "
            "with an index ('cpu:0') is not == to one without."))


def moves_batch_on(learner, ref, draw, device):
    n, features = draw.integer(2, 6), draw.integer(2, 5)
    inputs, labels = draw.tensor(n, features), draw.integers(n, lo=0, hi=3)
    batches = [[inputs, labels], (inputs, labels),
               {"image": inputs, "label": labels, "weight": draw.tensor(n)}]
    for batch in batches:
        expect(*both(learner, ref, "move_batch", batch, torch.device(device)), advice={
                   "device": "Every tensor of the batch must move, labels included, and "
                             "Tensor.to() returns a new tensor: keep what it returns "
                             "(x = x.to(device)).",
                   "type": "Return the same kind of container you were given: a list, a "
                           "tuple or a dict.",
               })


@check(points=2, concept="moving a whole batch, labels included", hints=[
    "A batch holds more than the inputs, and moving a tensor does not change it in place.",
    "tensor.to(device) returns a moved copy (module.to moves in place, tensor.to does not), "
    "so keep the result; the labels must move too, or the loss mixes devices.",
    "{k: v.to(device) for k, v in batch.items()}  or  type(batch)(t.to(device) for t in batch)",
], docs=PAGES + "torch.Tensor.to.html")
def moves_whole_batch(learner, ref, draw):
    for device in DEVICES:
        moves_batch_on(learner, ref, draw, device)


def training_on(learner, ref, draw, device, mode, rtol=None, atol=None):
    state, features, classes = draw_model(draw)
    batches = draw_batches(draw, features, classes, 2)
    args = (mode, state, batches, torch.device(device), 0.1)
    label = (f"prepare(model, device={device!r}, lr=0.1) and two SGD steps" if mode == "prepare"
             else f"train_step(model, batch, optimizer, device={device!r}) on two batches")
    expect(*both(learner, ref, probe_training, *args, label=label), rtol=rtol, atol=atol, advice={
        "device": f"The model and everything it meets must be on {device}: move the "
                  "model with model.to(device) and each batch before the forward pass.",
        "type": "Return the loss tensor (loss.detach()), not loss.item(): .item() "
                "copies the value to the host and waits for the device.",
        "requires_grad": "Return loss.detach(): the returned loss should not keep the "
                         "whole graph alive.",
        "values": "The losses or the parameters after the steps differ: zero the "
                  "gradients every step, use cross_entropy(model(inputs), labels), and "
                  "SGD with the learning rate given and momentum 0.9.",
    })


@check(points=1, concept="moving a model", hints=[
    "A model's parameters must live on the device its inputs are on.",
    "module.to(device) moves every parameter and buffer in place. Build the optimizer over "
    "model.parameters(); before or after the move both work.",
    "model = model.to(device); optimizer = torch.optim.SGD(model.parameters(), lr=lr, "
    "momentum=0.9)",
], docs=PAGES + "torch.nn.Module.html#torch.nn.Module.to")
def moves_model(learner, ref, draw):
    for device in DEVICES:
        training_on(learner, ref, draw, device, "prepare")


def standardize_on(learner, ref, draw, device):
    features = draw.integer(3, 6)
    mean, std = draw.tensor(features), draw.tensor(features).abs() + 0.5
    inputs = draw.tensor(draw.integer(2, 5), features)
    label = f"Standardize(mean, std).to({device!r})(x)"
    expect(*both(learner, ref, probe_standardize, mean, std, inputs, torch.device(device),
                 label=label), advice={
        "device": "Register mean and std with self.register_buffer(...): buffers move "
                  "with module.to(device), plain tensor attributes stay where they were.",
    })


@check(points=2, concept="buffers move with the module", hints=[
    "Moving a module moves its parameters and buffers, and nothing else.",
    "A tensor stored as a plain attribute (self.mean = mean) stays on the CPU after "
    "module.to(device); a buffer moves with the module.",
    'self.register_buffer("mean", mean)',
], docs=PAGES + "torch.nn.Module.html#torch.nn.Module.register_buffer", errors={
    # The module moved and a tensor of its own stayed behind: a buffer lesson, not a data one.
    "tensors on the same device": "mean or std stayed on the CPU when the module moved: "
                                  "register them with self.register_buffer(...); buffers "
                                  "move with module.to(device), plain tensor attributes do "
                                  "not.",
})
def buffers_move_with_module(learner, ref, draw):
    for device in DEVICES:
        standardize_on(learner, ref, draw, device)


@check(points=1, concept="buffers are saved in the state_dict", hints=[
    "A checkpoint saves module.state_dict(): only what is registered ends up there.",
    "Buffers (register_buffer) are saved and loaded with the state_dict but never trained; "
    "plain attributes are not saved at all.",
    'self.register_buffer("mean", mean); self.register_buffer("std", std)',
], docs=PAGES + "torch.nn.Module.html#torch.nn.Module.register_buffer")
def buffers_saved_in_state_dict(learner, ref, draw):
    features = draw.integer(3, 6)
    mean, std = draw.tensor(features), draw.tensor(features).abs() + 0.5
    label = "Standardize(mean, std)"
    expect(*both(learner, ref, probe_standardize_state, mean, std, label=label), advice={
        "['state_dict']": "The state_dict must hold 'mean' and 'std': register them "
                          "as buffers, so checkpoints save and restore them.",
        "['trainable']": "mean and std are fixed statistics: register them as "
                         "buffers, not as trainable parameters.",
    })


def causal_on(learner, ref, draw, device):
    batch, steps, dim = draw.integer(1, 3), draw.integer(2, 5), draw.integer(2, 4)
    q, k = on((draw.tensor(batch, steps, dim), draw.tensor(batch, steps, dim)), device)
    expect_on_one_device(learner, ref, "causal_scores", q, k, advice={
        "device": "Create the mask on the inputs' device: torch.ones(T, T, dtype=torch.bool, "
                  "device=q.device). Every tensor an operation uses must be on one device, "
                  "in-place ones (masked_fill_) too.",
        "values": "Scale by 1/sqrt(D) and set only the entries above the diagonal "
                  "(key after query) to -inf.",
    })


@check(points=2, concept="tensors created inside forward", hints=[
    "The mask is a new tensor, and new tensors are made on the CPU unless you say otherwise.",
    "torch.ones(T, T) lives on the CPU even when q is on a GPU; pass device=q.device, or "
    "derive it from q (ones_like, q.new_ones).",
    "mask = torch.ones(T, T, dtype=torch.bool, device=q.device).triu(1); "
    "scores.masked_fill(mask, float('-inf'))",
], docs=MANUAL + "notes/cuda.html#device-agnostic-code")
def mask_on_input_device(learner, ref, draw):
    for device in DEVICES:
        causal_on(learner, ref, draw, device)


def weighted_on(learner, ref, draw, device, dtypes):
    for dtype in dtypes:
        n, classes = draw.integer(3, 8), draw.integer(2, 5)
        logits = on(draw.tensor(n, classes, dtype=dtype), device)
        labels = on(draw.integers(n, lo=0, hi=classes - 1), device)
        weights = [draw.number(0.2, 3.0) for _ in range(classes)]
        expect_on_one_device(learner, ref, "weighted_loss", logits, labels, weights, advice={
            "device": "Build the weight tensor on the logits' device.",
            "dtype": "Build the weight tensor with the logits' dtype too: "
                     "logits.new_tensor(class_weights) does both.",
        })


@check(points=2, concept="tensors created inside a loss", hints=[
    "torch.tensor(class_weights) is a new tensor: where does it live?",
    "A tensor built from a Python list is a CPU float32 tensor; cross_entropy needs its "
    "weight on the logits' device and of the logits' dtype.",
    "weight = logits.new_tensor(class_weights)  (or torch.tensor(..., device=logits.device, "
    "dtype=logits.dtype))",
], docs=PAGES + "torch.Tensor.new_tensor.html")
def loss_weights_on_device(learner, ref, draw):
    for device in DEVICES:
        dtypes = (torch.float32, torch.float64) if device == "cpu" else (torch.float32,)
        weighted_on(learner, ref, draw, device, dtypes)


@check(points=2, concept="a device-agnostic training step", hints=[
    "Run your step in your head on a GPU: which tensors are still on the CPU?",
    "The batch comes from the DataLoader on the CPU: move inputs and labels (x = x.to(device); "
    "tensor.to is not in place), and return a tensor rather than loss.item(), which copies "
    "to the host.",
    "inputs, labels = inputs.to(device), labels.to(device); ...; return loss.detach()",
], docs=MANUAL + "notes/cuda.html#device-agnostic-code")
def train_step_runs_on_device(learner, ref, draw):
    for device in DEVICES:
        training_on(learner, ref, draw, device, "step")


def checkpoint_on(learner, ref, draw, device):
    state, _, _ = draw_model(draw)
    checkpoint = {"model": state, "step": draw.integer(1, 1000)}
    label = f"load_checkpoint(path, device={device!r}) of a GPU checkpoint"
    expect(*both(learner, ref, probe_load_checkpoint, checkpoint, torch.device(device),
                 label=label), advice={
        "device": "Load straight onto the device you were given: "
                  "torch.load(path, map_location=device).",
    })


@check(points=2, concept="loading a checkpoint with map_location", hints=[
    "A checkpoint remembers the device each tensor was saved from.",
    "torch.load restores tensors onto the device they were saved on, so a GPU checkpoint "
    "fails on a machine without one; map_location chooses the device instead.",
    "return torch.load(path, map_location=device)",
], docs=PAGES + "torch.load.html")
def loads_gpu_checkpoint(learner, ref, draw):
    for device in DEVICES:
        checkpoint_on(learner, ref, draw, device)


# ----------------------------------------------------------------------------- GPU tier


@check(points=2, concept="moving data and models to a GPU", requires="cuda", hints=[
    "The same code must work on a real GPU, where tensors live on 'cuda:0'.",
    "Use .to(device) for batches and models, device.type for comparisons and map_location "
    "for checkpoints; never .cuda().",
    "x = x.to(device); model.to(device); torch.load(path, map_location=device)",
], docs=MANUAL + "notes/cuda.html")
def cuda_moves(learner, ref, draw):
    x = draw.tensor(*draw.shape(2)).to("cuda")
    for device in ("cuda", "cuda:0", "cpu"):
        expect(*both(learner, ref, "is_on", x, device))
    moves_batch_on(learner, ref, draw, "cuda")
    training_on(learner, ref, draw, "cuda", "prepare", rtol=1e-4, atol=1e-5)
    training_on(learner, ref, draw, "cuda", "step", rtol=1e-4, atol=1e-5)
    checkpoint_on(learner, ref, draw, "cuda")


@check(points=2, concept="tensors created on a GPU", requires="cuda", hints=[
    "Masks, loss weights and fixed statistics must follow the data onto the GPU.",
    "Create tensors with device=x.device (or *_like, new_*) and register constants as "
    "buffers so module.to('cuda') moves them.",
    'torch.ones(T, T, device=q.device); logits.new_tensor(w); self.register_buffer("mean", m)',
], docs=MANUAL + "notes/cuda.html")
def cuda_created_tensors(learner, ref, draw):
    standardize_on(learner, ref, draw, "cuda")
    causal_on(learner, ref, draw, "cuda")
    weighted_on(learner, ref, draw, "cuda", (torch.float32,))
