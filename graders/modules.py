"""Checks for `modules`: the introduction's MLP, counting trainable parameters, buffers,
ModuleList, seeded initialisation, logits vs probabilities.

The learner's classes live in the sandbox. Probes construct them there, load weights drawn
here with load_state_dict, run them and send back plain data; the same probes run against the
reference here.
"""

import torch

from torchdojo.checks import as_data, both, check, expect, mlp, probe

MANUAL = "https://docs.pytorch.org/docs/stable/"  # the PyTorch manual
PAGES = MANUAL + "generated/"  # one page per function or class

INTRO_PARAMETERS = 50 * 30 + 30 + 30 * 20 + 20 + 20 * 3 + 3  # 2213


def mlp_state(draw, num_inputs: int, num_outputs: int) -> dict[str, torch.Tensor]:
    """Weights for the MLP, keyed as its state_dict is."""
    sizes = [(30, num_inputs), (20, 30), (num_outputs, 20)]
    state = {}
    for index, (rows, cols) in zip((0, 2, 4), sizes, strict=True):
        state[f"layers.{index}.weight"] = draw.tensor(rows, cols) / cols**0.5
        state[f"layers.{index}.bias"] = draw.tensor(rows) / 10
    return state


def classifier_state(draw, d: int, h: int, c: int, big: bool = False) -> dict:
    """Weights for a Linear-ReLU-Linear classifier; ``big`` makes logits of a few hundred."""
    bias = draw.tensor(c)
    if big:
        bias = bias + torch.linspace(300.0, -300.0, c)
    return {"0.weight": draw.tensor(h, d), "0.bias": draw.tensor(h),
            "2.weight": draw.tensor(c, h), "2.bias": bias}


# ----------------------------------------------------------------------------- probes


def probe_mlp_structure(m, num_inputs, num_outputs):
    import torch

    with torch.random.fork_rng():  # the same weights on both sides, global state kept
        torch.manual_seed(0)
        model = m.MLP(num_inputs, num_outputs)
    inputs = torch.randn(2, 8, num_inputs, generator=torch.Generator().manual_seed(1)) * 3
    return {
        "state_dict": {k: tuple(v.shape) for k, v in model.state_dict().items()},
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
        # The right layers with a forward that ignores them are not a working module.
        "forward uses its input": not torch.equal(model(inputs[0]), model(inputs[1])),
    }


def probe_mlp_forward(m, num_inputs, num_outputs, state, x):
    model = m.MLP(num_inputs, num_outputs)
    model.load_state_dict(state)
    return model(x)


def probe_count(m, layout, a, b, c):
    import torch
    from torch import nn

    if layout == "shared":
        shared = nn.Linear(a, a)
        model = nn.Sequential(shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(a, c))
    else:
        model = nn.Sequential(nn.Linear(a, b), nn.ReLU(), nn.Linear(b, c))
    if layout == "frozen":
        model[0].requires_grad_(False)
        model[2].bias.requires_grad_(False)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    count = m.count_trainable(model)
    unchanged = all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    return {"count": count, "model unchanged": unchanged}


def probe_buffers(m, mean, std):
    module = m.Standardize(mean, std)
    return {"state_dict": dict(module.state_dict()),
            "parameters": [name for name, _ in module.named_parameters()]}


def probe_standardize(m, mean, std, x):
    return m.Standardize(mean, std)(x)


def probe_buffers_move(m, mean, std, x, run):
    import torch

    wide = m.Standardize(mean, std).to(torch.float64)
    meta = m.Standardize(mean, std).to("meta")
    if run:
        return {"float64": wide(x.double()), "meta": meta(x.to("meta"))}
    return {name: {"float64": getattr(wide, name).dtype, "meta": getattr(meta, name).device}
            for name in ("mean", "std")}


def probe_stack_structure(m, width, depth):
    import torch

    with torch.random.fork_rng():  # the same weights on both sides, global state kept
        torch.manual_seed(0)
        model = m.Stack(width, depth)
    inputs = torch.randn(2, 8, width, generator=torch.Generator().manual_seed(1)) * 3
    return {"parameters": sum(p.numel() for p in model.parameters()),
            "state_dict": {k: tuple(v.shape) for k, v in model.state_dict().items()},
            "forward uses its input": not torch.equal(model(inputs[0]), model(inputs[1]))}


def probe_stack_forward(m, width, depth, state, x):
    import torch

    model = m.Stack(width, depth)
    model.load_state_dict(state)
    out = model(x)
    wide = model.to(torch.float64)
    return {"float32": out, "after .to(float64)": wide(x.double())}


def probe_seeded(m, num_inputs, num_outputs, seed):
    import torch

    # Unrelated random draws before each call: a seeded model must not depend on them.
    torch.manual_seed(seed + 1)
    torch.rand(5)
    first = dict(m.seeded_mlp(num_inputs, num_outputs, seed).state_dict())
    torch.rand(7)
    second = dict(m.seeded_mlp(num_inputs, num_outputs, seed).state_dict())
    return {"first call": first, "second call": second}


@probe(uses=[mlp])
def probe_predict(m, name, state, x, view):
    import torch
    from torch import nn

    model = mlp(state, nn.ReLU())
    out = getattr(m, name)(model, x)
    if not isinstance(out, torch.Tensor):
        return out
    # Each check looks at one side: the values, or whether a graph was recorded (of a result
    # that depends on the input: a constant records no graph either).
    if view == "values":
        return out.detach()
    other = getattr(m, name)(model, x * 2 + 1)
    return {"requires_grad": out.requires_grad,
            "depends on x": not (isinstance(other, torch.Tensor) and torch.equal(out, other))}


# ----------------------------------------------------------------------------- checks


@check(points=2, concept="nn.Module and nn.Sequential", hints=[
    "Subclass nn.Module, call super().__init__() first, then assign the layers as attributes.",
    "Layers assigned as attributes of a Module are registered: their parameters appear in "
    "parameters() and state_dict(). The introduction's MLP(50, 3) has 2213 of them.",
    "self.layers = nn.Sequential(nn.Linear(num_inputs, 30), nn.ReLU(), nn.Linear(30, 20), "
    "nn.ReLU(), nn.Linear(20, num_outputs))",
], docs=PAGES + "torch.nn.Sequential.html")
def mlp_structure(learner, ref, draw):
    intro = learner.run(probe_mlp_structure, 50, 3)
    expect(intro, ref.run(probe_mlp_structure, 50, 3), name="MLP(50, 3)", advice={
        "length": "The state_dict keys follow the attribute names: store the nn.Sequential as "
                  "self.layers, with the Linear layers at positions 0, 2 and 4.",
        "['trainable']": "Check the layer sizes: 50 -> 30 -> 20 -> 3, each Linear with a bias.",
        "['forward uses its input']": "forward(x) must return what the layers compute from x: "
                                      "return self.layers(x).",
    })
    expect(intro["trainable"], as_data(INTRO_PARAMETERS), name="MLP(50, 3)'s trainable count")
    sizes = (draw.integer(2, 40), draw.integer(2, 9))
    expect(*both(learner, ref, probe_mlp_structure, *sizes),
           name=f"MLP{sizes}", advice="Use num_inputs and num_outputs for the first and last "
                                      "layers; the hidden sizes stay 30 and 20.")


@check(points=2, concept="logits come out of the model", hints=[
    "A classifier's forward returns one raw score per class.",
    "Return the last Linear layer's output as it is: losses like CrossEntropyLoss apply "
    "log-softmax themselves, and softmax belongs to the code that wants probabilities.",
    "def forward(self, x): return self.layers(x)",
], docs=PAGES + "torch.nn.Module.html")
def mlp_forward_logits(learner, ref, draw):
    num_inputs, num_outputs = draw.integer(2, 12), draw.integer(2, 6)
    state = mlp_state(draw, num_inputs, num_outputs)
    for n in (1, draw.integer(2, 9)):
        x = draw.tensor(n, num_inputs)
        expect(*both(learner, ref, probe_mlp_forward, num_inputs, num_outputs, state, x), advice={
                   "values": "The outputs are not the last layer's logits: return "
                             "self.layers(x) with no softmax (or anything else) on top.",
                   "requires_grad": "The output must stay in the autograd graph so the model "
                                    "can be trained: no torch.no_grad() inside forward.",
               })


def expect_count(learner, ref, layout: str, sizes: tuple, name: str, advice: str) -> None:
    expect(*both(learner, ref, probe_count, layout, *sizes),
           name=f"count_trainable({name})", advice={
               "['count']": advice,
               "['model unchanged']": "Counting must not change the model's weights."})


def three_sizes(draw) -> tuple[int, int, int]:
    return draw.integer(2, 9), draw.integer(2, 9), draw.integer(2, 9)


@check(points=1, concept="counting parameters", hints=[
    "Each parameter tensor contributes all of its elements.",
    "nn.Linear(i, o) has a weight of shape (o, i) and a bias of shape (o,): i*o + o values.",
    "sum(p.numel() for p in model.parameters() if p.requires_grad)",
], docs=PAGES + "torch.nn.Module.html#torch.nn.Module.parameters")
def count_all_parameters(learner, ref, draw):
    for sizes in ((50, 30, 3), three_sizes(draw)):
        expect_count(learner, ref, "plain", sizes, "Linear-ReLU-Linear",
                     "Count every element of every parameter, biases included: p.numel() "
                     "over model.parameters().")


@check(points=1, concept="trainable parameters only", hints=[
    "A frozen parameter is still a parameter, but no optimizer updates it.",
    "model.parameters() yields frozen parameters too; they have requires_grad=False.",
    "sum(p.numel() for p in model.parameters() if p.requires_grad)",
], docs=PAGES + "torch.nn.Module.html#torch.nn.Module.parameters")
def count_excludes_frozen(learner, ref, draw):
    expect_count(learner, ref, "frozen", three_sizes(draw), "a model with a frozen layer",
                 "Frozen parameters (requires_grad=False) are not trainable: skip them.")


@check(points=1, concept="shared modules are counted once", hints=[
    "One layer object used twice in a model has one set of weights.",
    "model.parameters() yields each parameter once even when a module appears twice; "
    "state_dict() lists it under every name (and includes buffers and frozen tensors).",
    "sum(p.numel() for p in model.parameters() if p.requires_grad)",
], docs=PAGES + "torch.nn.Module.html#torch.nn.Module.parameters")
def count_shared_once(learner, ref, draw):
    expect_count(learner, ref, "shared", three_sizes(draw), "a model that reuses a layer",
                 "A layer used twice has one set of parameters: count model.parameters() (it "
                 "removes duplicates), not state_dict() or each use of the layer.")


def standardize_inputs(draw):
    d = draw.integer(2, 6)
    return draw.tensor(d), draw.tensor(d).abs() + 0.5, draw.tensor(draw.integer(2, 5), d)


@check(points=2, concept="register_buffer", hints=[
    "Fixed statistics are state the module must save, but not parameters to train.",
    "A plain tensor attribute is invisible to state_dict() and .to(); nn.Parameter would make it "
    "trainable. register_buffer is the third way.",
    "self.register_buffer('mean', mean.clone()); self.register_buffer('std', std.clone())",
], docs=PAGES + "torch.nn.Module.html#torch.nn.Module.register_buffer")
def buffers_in_state_dict(learner, ref, draw):
    mean, std, x = standardize_inputs(draw)
    expect(*both(learner, ref, probe_buffers, mean, std),
           name="Standardize(mean, std)", advice={
               "['state_dict']": "mean and std are missing from the state_dict: a plain tensor "
                                 "attribute is not saved. Use self.register_buffer('mean', ...).",
               "['parameters']": "mean and std must not be parameters (an optimizer would "
                                 "train them): register them as buffers.",
           })
    expect(*both(learner, ref, probe_standardize, mean, std, x), name="Standardize(mean, std)(x)")


@check(points=1, concept="buffers move with .to()", hints=[
    "Move the module to float64 or to another device, then look at mean and std.",
    "module.to(...) converts parameters and buffers, and nothing else: a plain tensor "
    "attribute stays where it was.",
    "self.register_buffer('mean', mean.clone())",
], docs=PAGES + "torch.nn.Module.html#torch.nn.Module.to")
def buffers_move_with_to(learner, ref, draw):
    mean, std, x = standardize_inputs(draw)
    expect(*both(learner, ref, probe_buffers_move, mean, std, x, False),
           name="Standardize after .to()",
           advice="mean or std did not follow module.to(): a plain tensor attribute is not "
                  "moved. Register them with self.register_buffer.")
    expect(*both(learner, ref, probe_buffers_move, mean, std, x, True),
           name="Standardize's output after "
           ".to()")


@check(points=2, concept="nn.ModuleList registers layers", hints=[
    "Count the parameters of a Stack: are its layers there?",
    "A plain Python list hides its layers from nn.Module: no parameters(), no state_dict(), "
    "no .to(). nn.ModuleList registers them.",
    "self.layers = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))",
], docs=PAGES + "torch.nn.ModuleList.html")
def module_list_registers(learner, ref, draw):
    width, depth = draw.integer(2, 6), draw.integer(2, 4)
    expect(*both(learner, ref, probe_stack_structure, width, depth),
           name=f"Stack({width}, {depth})",
           advice={"['parameters']": "The layers' parameters are not registered: keep them in "
                                     "an nn.ModuleList, not a Python list.",
                   "['state_dict']": "The state_dict lacks the layers: store them in "
                                     "self.layers = nn.ModuleList(...).",
                   "['forward uses its input']": "forward(x) must apply the registered layers "
                                                 "to x: for layer in self.layers: "
                                                 "x = torch.relu(layer(x))."})


@check(points=1, concept="a Stack's forward pass", hints=[
    "Apply the layers in the order they were created.",
    "Each layer is followed by ReLU, including the last one. After model.to(torch.float64) "
    "every layer must be float64 too.",
    "for layer in self.layers: x = torch.relu(layer(x))",
], docs=PAGES + "torch.nn.ModuleList.html")
def module_list_forward(learner, ref, draw):
    width, depth = draw.integer(2, 6), draw.integer(2, 4)
    state = {}
    for i in range(depth):
        state[f"layers.{i}.weight"] = draw.tensor(width, width)
        state[f"layers.{i}.bias"] = draw.tensor(width)
    x = draw.tensor(draw.integer(1, 5), width)
    expect(*both(learner, ref, probe_stack_forward, width, depth, state, x),
           name=f"Stack({width}, {depth})",
           advice={"values": "Apply every layer in order, each followed by torch.relu."})


@check(points=2, concept="reproducible initialisation with manual_seed", hints=[
    "Build the model twice with the same seed: are the weights equal?",
    "Layers draw their initial weights from the global generator when they are created, so "
    "torch.manual_seed(seed) must come before the model is built.",
    "torch.manual_seed(seed); return MLP(num_inputs, num_outputs)",
], docs=PAGES + "torch.manual_seed.html")
def seeded_initialisation(learner, ref, draw):
    sizes, seed = (draw.integer(2, 12), draw.integer(2, 6)), draw.seed_value()
    expect(*both(learner, ref, probe_seeded, *sizes, seed),
           name="seeded_mlp's weights", advice={
               "values": "The weights depend on random numbers drawn before the call: call "
                         "torch.manual_seed(seed) before building the model, not after.",
           })


@check(points=2, concept="softmax over the class dimension", hints=[
    "Each row holds one sample's scores; its probabilities must sum to 1.",
    "softmax(dim=0) normalises each class over the batch instead. exp(x) / exp(x).sum() "
    "overflows for logits over 88 in float32; torch.softmax subtracts the maximum first.",
    "with torch.no_grad(): return torch.softmax(model(x), dim=1)",
], docs=PAGES + "torch.nn.functional.softmax.html")
def softmax_probabilities(learner, ref, draw):
    d, h, c = draw.integer(2, 5), draw.integer(2, 5), draw.integer(3, 5)
    n = c + draw.integer(1, 3)  # rows and classes differ, so dim mistakes show
    for big in (False, True):
        state, x = classifier_state(draw, d, h, c, big=big), draw.tensor(n, d)
        expect(*both(learner, ref, probe_predict, "predict_proba", state, x, "values"),
               name="predict_proba" + (" with large logits" if big else ""), advice={
                   "values": "Rows must sum to 1: softmax over dim=1 (the classes), with "
                             "torch.softmax, which stays finite for large logits.",
               })


@check(points=1, concept="inference under no_grad", hints=[
    "Predictions never need gradients.",
    "Outside torch.no_grad() a forward pass through a model records a graph, and its outputs "
    "require grad and keep memory alive.",
    "with torch.no_grad(): logits = model(x)",
], docs=PAGES + "torch.no_grad.html")
def inference_without_graph(learner, ref, draw):
    d, h, c = draw.integer(2, 5), draw.integer(2, 5), draw.integer(2, 5)
    state, x = classifier_state(draw, d, h, c), draw.tensor(draw.integer(2, 6), d)
    expect(*both(learner, ref, probe_predict, "predict_proba", state, x, "graph"),
           name="predict_proba",
           advice={"['requires_grad']": "The probabilities require grad: run the model under "
                                        "torch.no_grad() (or torch.inference_mode()).",
                   "['depends on x']": "predict_proba must compute the probabilities from the "
                                       "model's logits for x, under torch.no_grad()."})


@check(points=1, concept="predicted classes from logits", hints=[
    "The predicted class is the position of the largest score in each row.",
    "argmax over dim=1 gives one class per sample; softmax first changes nothing.",
    "with torch.no_grad(): return model(x).argmax(dim=1)",
], docs=PAGES + "torch.argmax.html")
def predicted_classes(learner, ref, draw):
    d, h, c = draw.integer(2, 5), draw.integer(2, 5), draw.integer(3, 5)
    state, x = classifier_state(draw, d, h, c), draw.tensor(c + draw.integer(1, 3), d)
    expect(*both(learner, ref, probe_predict, "predict_classes", state, x, "values"),
           name="predict_classes",
           advice={"shape": "One class per row: argmax over dim=1.",
                   "dtype": "Class indices are int64, as argmax returns them."})
