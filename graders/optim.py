"""Checks for `optim`: SGD and momentum by hand, AdamW, parameter groups, accumulation,
clipping, learning-rate schedules and a learning-rate sweep.

Probes build a small model in the learner's sandbox from a state_dict drawn here and record,
with global optimizer hooks, what reaches every `optimizer.step()`: the gradients, the learning
rate and the parameters after it. The expected values are PyTorch's own: the same model and
data run here, in the grading process, through the update rules of `torch.optim` (SGD with and
without momentum, AdamW), on the full batch that accumulation stands in for, after
`clip_grad_norm_`, at the learning rates a schedule prescribes. The sweep is judged against
runs the grader measures itself, in float64."""

import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.adam import adam as adam_update
from torch.optim.sgd import sgd as sgd_update

from torchdojo.checks import (
    Draw,
    Mismatch,
    TensorData,
    as_data,
    both,
    check,
    derive_seed,
    expect,
    expect_true,
    shared,
)

DOCS = "https://docs.pytorch.org/docs/stable/"
# Parameters may differ by float rounding (thread counts, summation order), never by a step.
PARAM_TOL = {"rtol": 1e-4, "atol": 1e-5}
NO_DECAY = ("fc1.bias", "norm.weight", "norm.bias", "fc2.bias")
DECAY = ("fc1.weight", "fc2.weight")


# ----------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Setup:
    """A model's initial weights and a batch, drawn for one check."""

    state: dict
    x: torch.Tensor
    y: torch.Tensor


def draw_setup(draw: Draw, n: int | None = None) -> Setup:
    inputs, hidden, outputs = draw.integer(2, 4), draw.integer(3, 5), draw.integer(1, 2)
    state = {"fc1.weight": draw.tensor(hidden, inputs) * 0.6,
             "fc1.bias": draw.tensor(hidden) * 0.2,
             "norm.weight": 1 + draw.tensor(hidden) * 0.2,
             "norm.bias": draw.tensor(hidden) * 0.2,
             "fc2.weight": draw.tensor(outputs, hidden) * 0.6,
             "fc2.bias": draw.tensor(outputs) * 0.2}
    n = n or draw.integer(6, 10)
    return Setup(state, draw.tensor(n, inputs), draw.tensor(n, outputs))


def network(state: dict) -> nn.Module:
    """The model every probe builds, here in the grading process."""
    hidden, inputs = state["fc1.weight"].shape
    net = nn.Sequential(OrderedDict(
        fc1=nn.Linear(inputs, hidden), norm=nn.LayerNorm(hidden), act=nn.Tanh(),
        fc2=nn.Linear(hidden, state["fc2.weight"].shape[0])))
    net.load_state_dict(state)
    return net


def parameters_of(net: nn.Module) -> dict:
    return {name: p.detach().clone() for name, p in net.named_parameters()}


def gradients_of(net: nn.Module) -> dict:
    return {name: p.grad.detach().clone() for name, p in net.named_parameters()}


# ----------------------------------------------------------------------------- probes


def probe_by_hand(m, task, state, x, y, options):
    """Train the model for a few steps with the learner's hand-written update; return the
    parameters after every step."""
    from collections import OrderedDict

    from torch import nn

    hidden, inputs = state["fc1.weight"].shape
    net = nn.Sequential(OrderedDict(
        fc1=nn.Linear(inputs, hidden), norm=nn.LayerNorm(hidden), act=nn.Tanh(),
        fc2=nn.Linear(hidden, state["fc2.weight"].shape[0])))
    net.load_state_dict(state)
    params, buffers, trajectory = list(net.parameters()), {}, []
    for _ in range(options["steps"]):
        for p in params:
            p.grad = None
        nn.functional.mse_loss(net(x), y).backward()
        if task == "sgd_step":  # a copy of the list: rebinding its items changes nothing here
            m.sgd_step(list(params), options["lr"])
        else:
            m.momentum_step(list(params), buffers, options["lr"], options["momentum"])
        trajectory.append({n: p.detach().clone() for n, p in net.named_parameters()})
    return trajectory


def probe_optimizer(m, task, state, data, options):
    """Run one of the learner's optimizer tasks on the model and record every optimizer step.

    For the optimizers the learner builds, the probe trains with a loss that is a sum of one
    term per parameter, so each parameter's path depends on its own optimizer settings only.
    The other tasks get an SGD optimizer and nn.MSELoss(). Global hooks record each step of
    any optimizer: the learning rate and gradients before it, the parameters after it.
    """
    from collections import OrderedDict

    import torch
    from torch import nn
    from torch.optim.optimizer import (
        register_optimizer_step_post_hook,
        register_optimizer_step_pre_hook,
    )

    hidden, inputs = state["fc1.weight"].shape
    net = nn.Sequential(OrderedDict(
        fc1=nn.Linear(inputs, hidden), norm=nn.LayerNorm(hidden), act=nn.Tanh(),
        fc2=nn.Linear(hidden, state["fc2.weight"].shape[0])))
    net.load_state_dict(state)
    named, steps = list(net.named_parameters()), []

    def before(optimizer, args, kwargs):
        steps.append({"lr": float(optimizer.param_groups[0]["lr"]),
                      "grads": {n: None if p.grad is None else p.grad.detach().clone()
                                for n, p in named}})

    def after(optimizer, args, kwargs):
        steps[-1]["params"] = {n: p.detach().clone() for n, p in named}

    hooks = [register_optimizer_step_pre_hook(before), register_optimizer_step_post_hook(after)]
    try:
        if task in ("adam_with_decoupled_decay", "grouped_adamw"):
            if task == "grouped_adamw":
                made = m.grouped_adamw(net, options["lr"], options["weight_decay"])
            else:
                made = m.adam_with_decoupled_decay(list(net.parameters()), options["lr"],
                                                   options["weight_decay"])
            if not isinstance(made, torch.optim.Optimizer):
                return {"made": type(made).__name__, "optimizer": False, "steps": steps}
            for _ in range(options["steps"]):
                made.zero_grad()
                sum(((p - data["targets"][n]) ** 2).sum() for n, p in named).backward()
                made.step()
            return {"made": type(made).__name__, "optimizer": True, "steps": steps}
        optimizer, loss_fn = torch.optim.SGD(net.parameters(), lr=options["lr"]), nn.MSELoss()
        if task == "train_accumulated":
            value = m.train_accumulated(net, data["batches"], loss_fn, optimizer,
                                        options["accumulate"])
        elif task == "clipped_step":
            value = m.clipped_step(net, data["x"], data["y"], loss_fn, optimizer,
                                   options["max_norm"])
        elif task == "train_step_lr":
            value = m.train_step_lr(net, data["batches"], loss_fn, optimizer, options["epochs"],
                                    options["step_size"], options["gamma"])
        else:
            value = m.train_warmup(net, data["batches"], loss_fn, optimizer,
                                   options["warmup_steps"])
        return {"value": value, "steps": steps}
    finally:
        for hook in hooks:
            hook.remove()


def run_task(learner, task: str, setup: Setup, data: dict, call: str, **options) -> dict:
    """Run probe_optimizer in the learner's sandbox; messages name the learner's function."""
    return learner.run(probe_optimizer, task, setup.state, data, options, label=call)


# ----------------------------------------------------------------------------- the oracle


class Oracle:
    """PyTorch's own update rules for a model's parameters: the functions that torch.optim's
    SGD, Adam and AdamW call to step. Building one of those classes imports torch._dynamo,
    which costs about as much as importing torch; the functions do not, so the grading
    process never pays for it.

    ``rule`` is "sgd" (options: momentum, dampening, nesterov, maximize) or "adam" (options:
    decoupled, for AdamW); ``decay`` is one weight_decay or one per parameter name.
    """

    def __init__(self, net: nn.Module, rule: str, lr: float, decay: float | dict = 0.0,
                 **options) -> None:
        self.named = list(net.named_parameters())
        self.rule, self.lr, self.options = rule, lr, options
        self.decay = decay if isinstance(decay, dict) else {n: decay for n, _ in self.named}
        self.state: dict[str, dict] = {n: {} for n, _ in self.named}

    def zero_grad(self) -> None:
        for _, p in self.named:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        for name, p in self.named:
            state = self.state[name]
            if self.rule == "sgd":
                buffers = [state.get("momentum_buffer")]
                sgd_update([p], [p.grad], buffers, foreach=False, lr=self.lr,
                           weight_decay=self.decay[name],
                           momentum=self.options.get("momentum", 0.0),
                           dampening=self.options.get("dampening", 0.0),
                           nesterov=self.options.get("nesterov", False),
                           maximize=self.options.get("maximize", False))
                state["momentum_buffer"] = buffers[0]
                continue
            if not state:
                state.update(exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p),
                             step=torch.tensor(0.0))
            adam_update([p], [p.grad], [state["exp_avg"]], [state["exp_avg_sq"]], [],
                        [state["step"]], foreach=False,
                        decoupled_weight_decay=self.options.get("decoupled", False),
                        amsgrad=False, beta1=0.9, beta2=0.999, lr=self.lr,
                        weight_decay=self.decay[name], eps=1e-8, maximize=False)


def replay(state: dict, batches: list, lrs: list[float],
           max_norm: float | None = None) -> list[dict]:
    """PyTorch's own SGD steps: one per (x, y) in ``batches`` (a full batch where the learner
    accumulates), at the learning rates ``lrs``, clipping to ``max_norm`` if given. Returns,
    per step, the gradients that reach step() and the parameters after it."""
    net = network(state)
    optimizer = Oracle(net, "sgd", lrs[0])
    steps = []
    for (x, y), lr in zip(batches, lrs, strict=True):
        optimizer.zero_grad()
        F.mse_loss(net(x), y).backward()
        if max_norm is not None:
            nn.utils.clip_grad_norm_(net.parameters(), max_norm)
        optimizer.lr = lr
        grads = gradients_of(net)
        optimizer.step()
        steps.append({"lr": lr, "grads": grads, "params": parameters_of(net)})
    return steps


def separable_replay(state: dict, targets: dict, steps: int, make: Callable) -> list[dict]:
    """The optimizer tasks' run (a sum of one quadratic term per parameter) with the Oracle
    ``make`` builds for the model."""
    net = network(state)
    optimizer = make(net)
    out = []
    for _ in range(steps):
        optimizer.zero_grad()
        sum(((p - targets[n]) ** 2).sum() for n, p in net.named_parameters()).backward()
        optimizer.step()
        out.append({"params": parameters_of(net)})
    return out


def full_batch_path(state: dict, x: torch.Tensor, y: torch.Tensor, steps: int,
                    make: Callable) -> list[dict]:
    """Parameters after each of ``steps`` full-batch steps of the Oracle ``make`` builds."""
    net = network(state)
    optimizer = make(net)
    out = []
    for _ in range(steps):
        optimizer.zero_grad()
        F.mse_loss(net(x), y).backward()
        optimizer.step()
        out.append(parameters_of(net))
    return out


# ----------------------------------------------------------------------------- comparing


def close(got, want) -> bool:
    try:
        expect(got, as_data(want), **PARAM_TOL)
    except Mismatch:
        return False
    return True


def same_path(got: list, want: list) -> bool:
    """Whether a recorded trajectory equals one computed here (for diagnosing, not grading)."""
    return isinstance(got, list) and len(got) == len(want) and all(
        close(g, w) for g, w in zip(got, want, strict=True))


def expect_steps(got: list, want: list, advice: str | Callable, grads: bool = False) -> None:
    """Each recorded dict (one per step) of parameters, or with ``grads`` of the gradients that
    reached step(), must equal PyTorch's; ``advice`` may be a function of the step and the
    parameter that differ, so the lesson fits the difference."""
    expect(len(got), len(want), name="the number of steps",
           advice="Take exactly the steps the task asks for.")
    for step, (mine, theirs) in enumerate(zip(got, want, strict=True), start=1):
        for name, value in theirs.items():
            what = f"the gradient of {name} at step {step}" if grads else \
                f"{name} after step {step}"
            try:
                expect(mine.get(name), as_data(value), name=what, **PARAM_TOL)
            except Mismatch as miss:
                if miss.prop in ("values", "type"):
                    miss.advice = advice(step, name) if callable(advice) else advice
                raise


def recorded(run: dict, key: str) -> list:
    return [step.get(key) for step in run["steps"]]


# ----------------------------------------------------------------------------- SGD by hand


@check(points=2, concept="a gradient-descent step by hand", hints=[
    "After your step, the parameters the caller holds must hold the new values.",
    "p = p - lr * p.grad makes a new tensor and binds a local name to it; the caller's p never "
    "changes. Update in place (p -= ..., p.sub_()) inside torch.no_grad(): autograd refuses "
    "an in-place change of a leaf that requires grad, and must not record the update.",
    "with torch.no_grad(): for p in params: p -= lr * p.grad",
], docs=[DOCS + "generated/torch.optim.SGD.html", DOCS + "generated/torch.no_grad.html"])
def sgd_by_hand(learner, draw):
    setup, lr, steps = draw_setup(draw), draw.choice([0.05, 0.1, 0.2]), draw.integer(3, 4)
    got = learner.run(probe_by_hand, "sgd_step", setup.state, setup.x, setup.y,
                      {"lr": lr, "steps": steps},
                      label=f"sgd_step(params, lr={lr}) over {steps} steps")

    def advice(step: int, name: str) -> str:
        if same_path(got, [setup.state] * steps):
            return ("The parameters never changed: `p = p - lr * p.grad` binds a new tensor to "
                    "a local name. Update the caller's tensors in place: `p -= lr * p.grad` "
                    "inside torch.no_grad().")
        ascent = full_batch_path(setup.state, setup.x, setup.y, steps,
                                 lambda net: Oracle(net, "sgd", lr, maximize=True))
        if same_path(got, ascent):
            return "The parameters moved up the gradient: subtract lr * p.grad, do not add it."
        return "Each step is p = p - lr * p.grad, for every parameter, once per call."

    expect_steps(got, full_batch_path(setup.state, setup.x, setup.y, steps,
                                      lambda net: Oracle(net, "sgd", lr)), advice)


def momentum_advice(got: list, setup: Setup, lr: float, momentum: float, steps: int) -> str:
    """What the recorded path matches, among the ways momentum is commonly written wrong."""
    def path(**options):
        return full_batch_path(setup.state, setup.x, setup.y, steps,
                               lambda net: Oracle(net, "sgd", lr, **options))

    if same_path(got, path()):
        return ("Your steps equal plain SGD: the momentum buffer starts over at every call. "
                "Keep each parameter's buffer in `state`, which the caller passes back on the "
                "next call, and never recreate it after the first step.")
    if same_path(got, path(momentum=momentum, dampening=momentum)):
        return ("The buffer grows by (1 - momentum) * grad, an average: torch.optim.SGD adds "
                "the whole gradient, b = momentum * b + grad.")
    if same_path(got, path(momentum=momentum, nesterov=True)):
        return ("That is Nesterov momentum (p -= lr * (grad + momentum * b)); plain momentum "
                "steps by the buffer itself: p -= lr * b.")
    return ("First step: b = grad; later steps: b = momentum * b + grad; then p -= lr * b, "
            "for each parameter with its own buffer.")


@check(points=2, concept="SGD with momentum keeps a buffer", hints=[
    "Call after call, each parameter's step depends on the steps before it.",
    "Momentum keeps a running buffer per parameter: b = grad on the first step, then "
    "b = momentum * b + grad. The buffer must survive between calls, so keep it in `state` "
    "(a fresh buffer or optimizer per step gives plain SGD).",
    "state[i] = p.grad.clone() the first time, else state[i].mul_(momentum).add_(p.grad); "
    "then p -= lr * state[i] (under torch.no_grad())",
], docs=DOCS + "generated/torch.optim.SGD.html")
def momentum_by_hand(learner, draw):
    setup, lr, steps = draw_setup(draw), draw.choice([0.05, 0.1]), draw.integer(4, 5)
    momentum = draw.choice([0.5, 0.8, 0.9])
    got = learner.run(probe_by_hand, "momentum_step", setup.state, setup.x, setup.y,
                      {"lr": lr, "momentum": momentum, "steps": steps},
                      label=f"momentum_step(params, state, lr={lr}, momentum={momentum}) over "
                            f"{steps} steps")
    want = full_batch_path(setup.state, setup.x, setup.y, steps,
                           lambda net: Oracle(net, "sgd", lr, momentum=momentum))
    expect_steps(got, want, lambda step, name: momentum_advice(got, setup, lr, momentum, steps))


# ----------------------------------------------------------------------------- weight decay


def targets_for(draw: Draw, state: dict) -> dict:
    """Where the per-parameter loss pulls each parameter (the optimizer tasks' loss)."""
    return {name: draw.tensor(*value.shape) for name, value in state.items()}


def expect_optimizer(run: dict, function: str) -> None:
    expect_true(run["optimizer"], f"returned a {run['made']}; expected a torch.optim.Optimizer.",
                prop="type",
                advice="Return the optimizer object itself (for example torch.optim.AdamW(...)), "
                       "not its parameter groups.", name=function)


@check(points=2, concept="decoupled weight decay (AdamW, not Adam)", hints=[
    "Adam with weight_decay and AdamW take different steps from the same start.",
    "Adam(weight_decay=wd) adds wd * p to the gradient (L2 regularisation), and Adam's "
    "per-parameter scaling then shrinks that decay wherever gradients are large. Decoupled "
    "decay shrinks the weights directly, p -= lr * wd * p, beside the Adam step: that is AdamW.",
    "return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)",
], docs=[DOCS + "generated/torch.optim.AdamW.html", DOCS + "generated/torch.optim.Adam.html"])
def decoupled_weight_decay(learner, draw):
    setup = draw_setup(draw)
    targets, steps = targets_for(draw, setup.state), draw.integer(3, 4)
    lr, wd = draw.choice([0.02, 0.05]), draw.choice([0.1, 0.2, 0.5])
    call = f"adam_with_decoupled_decay(params, lr={lr}, weight_decay={wd})"
    got = run_task(learner, "adam_with_decoupled_decay", setup, {"targets": targets}, call,
                   lr=lr, weight_decay=wd, steps=steps)
    expect_optimizer(got, call)

    def path(make):
        return [s["params"] for s in separable_replay(setup.state, targets, steps, make)]

    mine = recorded(got, "params")

    def advice(step: int, name: str) -> str:
        if same_path(mine, path(lambda net: Oracle(net, "adam", lr, wd))):
            return ("These are Adam's steps with weight_decay added to the gradient (L2): "
                    "Adam's scaling divides the decay away where gradients are large. Decoupled "
                    "decay is AdamW: torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay).")
        return ("Take AdamW's steps with the learning rate and weight_decay you are given "
                "(AdamW's own default weight_decay is 0.01).")

    expect_steps(mine, path(lambda net: Oracle(net, "adam", lr, wd, decoupled=True)), advice)


# ----------------------------------------------------------------------------- parameter groups


@shared
def groups_run(learner, seed):
    """The learner's grouped_adamw, trained a few steps; both group checks read this run."""
    draw = Draw(derive_seed(seed, "optim", "groups"))
    setup = draw_setup(draw)
    plan = {"setup": setup, "targets": targets_for(draw, setup.state), "steps": 3,
            "lr": draw.choice([0.02, 0.05]), "wd": draw.choice([0.2, 0.5])}
    call = f"grouped_adamw(model, lr={plan['lr']}, weight_decay={plan['wd']})"
    plan["call"] = call
    plan["got"] = run_task(learner, "grouped_adamw", setup, {"targets": plan["targets"]}, call,
                           lr=plan["lr"], weight_decay=plan["wd"], steps=plan["steps"])
    return plan


def expect_groups(run: dict, names: tuple[str, ...], advice: Callable) -> None:
    expect_optimizer(run["got"], run["call"])
    lr, wd = run["lr"], run["wd"]

    def grouped(net):
        return Oracle(net, "adam", lr, {n: wd if n in DECAY else 0.0 for n in DECAY + NO_DECAY},
                      decoupled=True)

    want = separable_replay(run["setup"].state, run["targets"], run["steps"], grouped)
    mine = recorded(run["got"], "params")
    expect(len(mine), len(want), name="the number of optimizer steps",
           advice="Return one optimizer over every parameter of the model.")
    keep = [{n: step["params"][n] for n in names} for step in want]
    expect_steps([{n: step.get(n) for n in names} for step in mine], keep,
                 lambda step, name: advice(run, name))


def decay_seen(run: dict, name: str) -> str:
    """Which weight decay the learner's path for one parameter matches."""
    state, targets, steps, lr = run["setup"].state, run["targets"], run["steps"], run["lr"]
    mine = [s.get("params", {}).get(name) for s in run["got"]["steps"]]
    for kind, wd in (("decayed", run["wd"]), ("not decayed", 0.0), ("default", 0.01)):
        path = separable_replay(state, targets, steps, lambda net, wd=wd: Oracle(
            net, "adam", lr, wd, decoupled=True))
        if same_path(mine, [s["params"][name] for s in path]):
            return kind
    if same_path(mine, [state[name]] * steps):
        return "still"
    return "other"


def no_decay_advice(run: dict, name: str) -> str:
    seen = decay_seen(run, name)
    if seen in ("decayed", "default"):
        kind = "a LayerNorm weight" if name == "norm.weight" else "a bias" if name.endswith(
            "bias") else "a normalisation parameter"
        return (f"{name} decayed: it is {kind}, which belongs in the group with "
                "weight_decay=0. Test the parameter, not only its name ending: normalisation "
                "weights are 1-d like biases (p.ndim < 2), or belong to an nn.LayerNorm.")
    if seen == "still":
        return f"{name} never moved: every parameter of the model must be in one group."
    return "Biases and normalisation weights train with AdamW's step and weight_decay=0."


def decay_advice(run: dict, name: str) -> str:
    seen = decay_seen(run, name)
    if seen == "not decayed":
        return (f"{name} did not decay: the weight matrices of Linear layers belong in the group "
                "with weight_decay=weight_decay.")
    if seen == "default":
        return (f"{name} decayed with AdamW's default 0.01: give the decaying group "
                "'weight_decay': weight_decay.")
    if seen == "still":
        return f"{name} never moved: every parameter of the model must be in one group."
    return "Linear weight matrices train with AdamW's step and the weight_decay you are given."


@check(points=2, concept="no weight decay on biases and norm weights", hints=[
    "Some parameters should be left out of weight decay: which ones shift or scale rather "
    "than weigh inputs?",
    "Parameter groups are dicts with their own options. Biases and the weights of "
    "normalisation layers (LayerNorm scales, 1-d like biases) go in a group with "
    "weight_decay=0; a name test for 'bias' alone misses norm.weight.",
    'AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, '
    '"weight_decay": 0.0}], lr=lr), with no_decay = [p for p in model.parameters() if p.ndim < 2]',
], docs=[DOCS + "optim.html", DOCS + "generated/torch.optim.AdamW.html"])
def no_decay_on_biases_and_norms(learner, groups_run):
    expect_groups(groups_run, NO_DECAY, no_decay_advice)


@check(points=1, concept="weight decay on weight matrices", hints=[
    "Decay still applies to the weights that multiply inputs.",
    "A group's options override the optimizer's defaults: the decaying group needs "
    "weight_decay=weight_decay, or AdamW uses its default of 0.01.",
    '{"params": [p for p in model.parameters() if p.ndim >= 2], "weight_decay": weight_decay}',
], docs=[DOCS + "optim.html", DOCS + "generated/torch.optim.AdamW.html"])
def decay_on_weights(learner, groups_run):
    expect_groups(groups_run, DECAY, decay_advice)


# ----------------------------------------------------------------------------- accumulation


def draw_batches(draw: Draw, setup: Setup, count: int, size: int) -> list:
    inputs, outputs = setup.x.shape[1], setup.y.shape[1]
    return [(draw.tensor(size, inputs), draw.tensor(size, outputs)) for _ in range(count)]


def joined(batches: list, accumulate: int) -> list:
    """The full batches that accumulation over ``accumulate`` micro-batches stands in for."""
    return [(torch.cat([x for x, _ in batches[i:i + accumulate]]),
             torch.cat([y for _, y in batches[i:i + accumulate]]))
            for i in range(0, len(batches), accumulate)]


def accumulation_advice(got: dict, setup: Setup, batches: list, accumulate: int,
                        want: dict) -> str:
    """Name the scaling mistake the recorded first-step gradient matches."""
    grads = got.get("grads") or {}
    summed = {n: g * accumulate for n, g in want["grads"].items()}
    last = replay(setup.state, [batches[accumulate - 1]], [1.0])[0]["grads"]
    if close(grads, summed):
        return (f"The gradient is {accumulate}x too large: backward() adds each micro-batch's "
                f"gradient in, so divide each micro-batch loss by accumulate ({accumulate}) to "
                "get the gradient of the mean.")
    if close(grads, {n: g / accumulate for n, g in last.items()}) or close(grads, last):
        return ("Only the last micro-batch's gradient reached step(): clearing the gradients "
                "inside the micro-batch loop throws the others away. Clear them once per "
                "optimizer step.")
    return ("The gradient at step() must be that of the mean loss over the window's "
            "micro-batches: loss_fn(model(x), y) / accumulate, backward() for each, then one "
            "step().")


@check(points=2, concept="gradient accumulation averages micro-batches", hints=[
    "The step after several micro-batches must equal the step one big batch would give.",
    "backward() adds into .grad, so accumulating k micro-batch losses gives the gradient of "
    "their sum: k times the gradient of the mean. Divide each loss by k, and step once per k "
    "micro-batches.",
    "(loss_fn(model(x), y) / accumulate).backward(); if i % accumulate == 0: "
    "optimizer.step(); optimizer.zero_grad()",
], docs=[DOCS + "optim.html", DOCS + "generated/torch.optim.Optimizer.zero_grad.html"])
def accumulation_averages_micro_batches(learner, draw):
    setup, accumulate = draw_setup(draw), draw.integer(2, 4)
    lr, size = draw.choice([0.05, 0.1]), draw.integer(2, 3)
    batches = draw_batches(draw, setup, 2 * accumulate, size)
    call = (f"train_accumulated(model, micro_batches ({len(batches)} of {size}), loss_fn, "
            f"optimizer, accumulate={accumulate})")
    got = run_task(learner, "train_accumulated", setup, {"batches": batches}, call, lr=lr,
                   accumulate=accumulate)
    want = replay(setup.state, joined(batches, accumulate), [lr, lr])
    expect(len(got["steps"]), len(want), name="the number of optimizer steps",
           advice=f"Step once per {accumulate} micro-batches: {len(batches)} micro-batches make "
                  f"{len(want)} steps.")
    # Only the first step: gradients left over between steps are zero_grad_between_steps'.
    advice = accumulation_advice(got["steps"][0], setup, batches, accumulate, want[0])
    expect_steps([got["steps"][0].get("grads")], [want[0]["grads"]], advice, grads=True)
    expect_steps([got["steps"][0].get("params")], [want[0]["params"]], advice)


@check(points=1, concept="zero_grad between optimizer steps", hints=[
    "Compare the gradient at the second step with that batch's gradient alone.",
    "backward() adds into .grad until something clears it: without optimizer.zero_grad() "
    "(before the backward passes of a step, or after step()), every step also carries all "
    "the gradients before it.",
    "optimizer.zero_grad() right after optimizer.step() (or once before each window)",
], docs=DOCS + "generated/torch.optim.Optimizer.zero_grad.html")
def zero_grad_between_steps(learner, draw):
    # accumulate=1: every micro-batch is a step, so only the clearing of gradients matters.
    setup, lr = draw_setup(draw), draw.choice([0.05, 0.1])
    batches = draw_batches(draw, setup, 3, draw.integer(2, 4))
    call = f"train_accumulated(model, micro_batches ({len(batches)}), loss_fn, optimizer, " \
           "accumulate=1)"
    got = run_task(learner, "train_accumulated", setup, {"batches": batches}, call, lr=lr,
                   accumulate=1)
    want = replay(setup.state, batches, [lr] * len(batches))
    expect(len(got["steps"]), len(want), name="the number of optimizer steps",
           advice="With accumulate=1, take one step per micro-batch.")

    def advice(step, name):
        if step == 1:
            return "Each step uses the gradient of its own micro-batches only."
        return (f"The gradient at step {step} still holds earlier steps' gradients: call "
                "optimizer.zero_grad() after every step (or before each step's backward "
                "passes).")

    expect_steps(recorded(got, "grads"), [s["grads"] for s in want], advice, grads=True)
    expect_steps(recorded(got, "params"), [s["params"] for s in want], advice)


# ----------------------------------------------------------------------------- clipping


def total_norm(grads: dict) -> float:
    return torch.linalg.vector_norm(torch.cat([g.reshape(-1) for g in grads.values()])).item()


@dataclass(frozen=True)
class Clipped:
    """One clipped_step run: the learner's record and what PyTorch does."""

    grads: object  # the learner's gradients at step() (as data, unchecked)
    params: object  # the learner's parameters after step()
    value: object  # what clipped_step returned
    want: dict  # PyTorch's step with clip_grad_norm_
    unclipped: dict  # the gradients before clipping
    norm: float
    max_norm: float


def clipping(learner, draw: Draw, factors: list[float]) -> Clipped:
    """Run clipped_step with max_norm a drawn multiple of the gradients' norm, measured here."""
    setup, lr = draw_setup(draw), draw.choice([0.05, 0.1])
    unclipped = replay(setup.state, [(setup.x, setup.y)], [lr])[0]["grads"]
    norm = total_norm(unclipped)
    max_norm = float(f"{norm * draw.choice(factors):.4g}")
    call = f"clipped_step(model, x, y, loss_fn, optimizer, max_norm={max_norm})"
    got = run_task(learner, "clipped_step", setup, {"x": setup.x, "y": setup.y}, call, lr=lr,
                   max_norm=max_norm)
    expect(len(got["steps"]), 1, name="the number of optimizer steps",
           advice="Take exactly one optimizer step.")
    step = got["steps"][0]
    want = replay(setup.state, [(setup.x, setup.y)], [lr], max_norm=max_norm)[0]
    return Clipped(step.get("grads"), step.get("params"), got["value"], want, unclipped, norm,
                   max_norm)


def expect_clipped(run: Clipped, advice: str) -> None:
    expect_steps([run.grads], [run.want["grads"]], advice, grads=True)
    expect_steps([run.params], [run.want["params"]], advice)


@check(points=2, concept="clip between backward() and step()", hints=[
    "Look at the gradients at the moment the optimizer steps: is their total norm at most "
    "max_norm?",
    "Clipping rescales the gradients in place, so it only matters between loss.backward() "
    "(which makes them) and optimizer.step() (which uses them). clip_grad_norm_ scales all "
    "gradients together by max_norm / total norm; clipping each value or each parameter "
    "separately changes the direction.",
    "loss.backward(); norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm); "
    "optimizer.step(); return norm.item()",
], docs=DOCS + "generated/torch.nn.utils.clip_grad_norm_.html")
def clip_between_backward_and_step(learner, draw):
    run = clipping(learner, draw, [0.2, 0.3, 0.4])
    if close(run.grads, run.unclipped):
        advice = (f"The gradients reached step() unclipped (total norm {run.norm:.4g}, max_norm "
                  f"{run.max_norm}): clip after loss.backward() and before optimizer.step().")
    else:
        advice = ("Scale all gradients together, by max_norm / (their total norm), as "
                  "clip_grad_norm_(model.parameters(), max_norm) does; clipping each value "
                  "(clip_grad_value_) or each parameter on its own changes their direction.")
    expect_clipped(run, advice)
    expect(run.value, run.norm, name="the returned norm", rtol=1e-4, atol=1e-6, advice={
        "type": "Return the total norm as a Python float: clip_grad_norm_ returns a 0-d tensor, "
                "so call .item().",
        "values": "Return the total norm before clipping: clip_grad_norm_ returns it.",
    })


@check(points=1, concept="clipping only shrinks large gradients", hints=[
    "What should clipping do to gradients whose norm is already below max_norm?",
    "clip_grad_norm_ multiplies by min(1, max_norm / total norm): small gradients stay as "
    "they are. Scaling every gradient to exactly max_norm normalises them instead.",
    "nn.utils.clip_grad_norm_(model.parameters(), max_norm) between backward() and step()",
], docs=DOCS + "generated/torch.nn.utils.clip_grad_norm_.html")
def clipping_spares_small_gradients(learner, draw):
    run = clipping(learner, draw, [1.5, 2.0, 3.0])
    if close(run.grads, {n: g * (run.max_norm / run.norm) for n, g in run.unclipped.items()}):
        advice = (f"The gradients were scaled up to norm {run.max_norm}: clipping only ever "
                  "shrinks, by min(1, max_norm / norm).")
    else:
        advice = (f"The gradients' total norm ({run.norm:.4g}) is below max_norm "
                  f"({run.max_norm}), so they must reach step() unchanged.")
    expect_clipped(run, advice)


# ----------------------------------------------------------------------------- schedules

TRAIN_STEP = "Each batch: zero the gradients, loss_fn(model(x), y).backward(), optimizer.step()."


def expect_lrs(got: list, want: list, advice: str) -> None:
    expect(len(got), len(want), name="the number of optimizer steps",
           advice="Take one optimizer step per batch.")
    expect(got, want, name="the learning rate at each optimizer step", rtol=1e-6, atol=1e-12,
           advice=advice)


def per_epoch(lrs: list, batches: int) -> list[list]:
    return [lrs[i:i + batches] for i in range(0, len(lrs), batches)]


def step_lr_advice(got: list, lr0: float, batches: int, epochs: int, step_size: int,
                   gamma: float) -> str:
    epochs_seen = per_epoch(got, batches)
    early = [lr0 * gamma ** ((e + 1) // step_size) for e in range(epochs)]
    if any(len({round(v, 12) for v in epoch}) > 1 for epoch in epochs_seen):
        return ("The learning rate changed within an epoch: scheduler.step() ran after every "
                "batch. This schedule counts epochs: step it once per epoch.")
    if all(abs(epoch[0] - want) <= 1e-9 * lr0 for epoch, want in zip(epochs_seen, early,
                                                                      strict=False)):
        return ("Each epoch trained with the next epoch's rate: scheduler.step() ran before "
                "the epoch's optimizer steps. Step the scheduler at the end of the epoch, after "
                "optimizer.step().")
    if len({round(v, 12) for v in got}) == 1:
        return ("The learning rate never changed: create the scheduler once, before training, "
                "and call scheduler.step() once at the end of every epoch.")
    return f"Epoch e trains with lr0 * gamma ** (e // step_size), lr0 = {lr0}."


@check(points=2, concept="an epoch schedule steps once per epoch, after the optimizer", hints=[
    "Print the learning rate at each optimizer step: when does it change?",
    "StepLR counts calls to scheduler.step() as epochs. Call it once per epoch, after that "
    "epoch's optimizer steps; per batch it decays far too fast, and before optimizer.step() it "
    "skips the first rate (PyTorch warns about that order).",
    "scheduler = StepLR(optimizer, step_size, gamma); for each epoch: (for each batch: "
    "zero_grad, backward, optimizer.step()); scheduler.step()",
], docs=[DOCS + "generated/torch.optim.lr_scheduler.StepLR.html", DOCS + "optim.html"])
def step_lr_once_per_epoch(learner, draw):
    setup, lr0 = draw_setup(draw), draw.choice([0.05, 0.1])
    epochs, step_size, gamma = draw.integer(4, 5), draw.integer(1, 2), draw.choice([0.5, 0.2])
    # 3 or 4 batches: stepping the scheduler per batch then always changes the rate within
    # an epoch, whatever step_size is, so the message can say so.
    batches = draw_batches(draw, setup, draw.integer(3, 4), draw.integer(3, 5))
    call = (f"train_step_lr(model, batches ({len(batches)}), loss_fn, optimizer (lr={lr0}), "
            f"epochs={epochs}, step_size={step_size}, gamma={gamma})")
    got = run_task(learner, "train_step_lr", setup, {"batches": batches}, call, lr=lr0,
                   epochs=epochs, step_size=step_size, gamma=gamma)
    lrs = [lr0 * gamma ** (e // step_size) for e in range(epochs) for _ in batches]
    mine = recorded(got, "lr")
    expect_lrs(mine, lrs, step_lr_advice(mine, lr0, len(batches), epochs, step_size, gamma))
    want = replay(setup.state, batches * epochs, lrs)
    expect_steps(recorded(got, "params"), [s["params"] for s in want], TRAIN_STEP)


def warmup_advice(got: list, lr0: float, warmup: int) -> str:
    if got and got[0] == got[-1] and abs(got[0] - lr0 / warmup) <= 1e-9:
        return ("The rate stayed at lr0 / warmup_steps: the scheduler never stepped during "
                "the epoch. A warm-up counts optimizer steps: call scheduler.step() after every "
                "optimizer.step().")
    if got and abs(got[0] - min(1.0, 2 / warmup) * lr0) <= 1e-9:
        return ("The first step already used the second step's rate: scheduler.step() ran "
                "before optimizer.step(). Step the scheduler after the optimizer.")
    if got and abs(got[0] - lr0) <= 1e-9:
        return "The first step used the full rate: the warm-up starts at lr0 / warmup_steps."
    return "Step s (from 0) uses lr0 * min(1, (s + 1) / warmup_steps)."


@check(points=1, concept="a warm-up schedule steps once per optimizer step", hints=[
    "A warm-up changes the learning rate at every optimizer step, not every epoch.",
    "LambdaLR(optimizer, f) sets lr = lr0 * f(number of scheduler.step() calls so far). For a "
    "per-step warm-up, call scheduler.step() right after every optimizer.step().",
    "LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / warmup_steps)); per batch: "
    "optimizer.step(); scheduler.step()",
], docs=[DOCS + "generated/torch.optim.lr_scheduler.LambdaLR.html", DOCS + "optim.html"])
def warmup_once_per_step(learner, draw):
    setup, lr0, warmup = draw_setup(draw), draw.choice([0.05, 0.1]), draw.integer(3, 5)
    batches = draw_batches(draw, setup, warmup + draw.integer(2, 3), draw.integer(3, 5))
    call = (f"train_warmup(model, batches ({len(batches)}), loss_fn, optimizer (lr={lr0}), "
            f"warmup_steps={warmup})")
    got = run_task(learner, "train_warmup", setup, {"batches": batches}, call, lr=lr0,
                   warmup_steps=warmup)
    lrs = [lr0 * min(1.0, (s + 1) / warmup) for s in range(len(batches))]
    mine = recorded(got, "lr")
    expect_lrs(mine, lrs, warmup_advice(mine, lr0, warmup))
    want = replay(setup.state, batches, lrs)
    expect_steps(recorded(got, "params"), [s["params"] for s in want], TRAIN_STEP)


# ----------------------------------------------------------------------------- the sweep

# classify_run's rule: "diverges" when the last loss is not finite or above the first,
# "converges" when it is at most 1% of the first, "slow" otherwise. A drawn rate is used only
# when the ratio last / first measured here is far from the rule's thresholds, so float32
# rounding in the learner's run can never change its label.
MARGINS = {"diverges": (10.0, math.inf), "converges": (0.0, 1e-3), "slow": (0.05, 0.9)}
RATES_PER_LABEL = 2


@dataclass(frozen=True)
class Sweep:
    x: torch.Tensor
    y: torch.Tensor
    w0: torch.Tensor
    steps: int
    lrs: list[float]
    curves: list[list[float]]  # measured here, in float64

    @property
    def args(self) -> tuple:
        return self.x, self.y, self.w0, self.lrs, self.steps


def expect_list(value: object, what: str, advice: str) -> None:
    kind = "torch.Tensor" if isinstance(value, TensorData) else type(value).__name__
    expect_true(isinstance(value, list), f"is a {kind}; expected a list.", advice=advice,
                prop="type", name=what)


def measure(x: torch.Tensor, y: torch.Tensor, w0: torch.Tensor, lr: float,
            steps: int) -> list[float]:
    """Gradient descent on mean squared error in float64: the loss before each step and after
    the last."""
    x, y, w = x.double(), y.double(), w0.double().clone()
    losses = []
    for _ in range(steps + 1):
        residual = x @ w - y
        losses.append((residual @ residual).item() / len(y))
        w = w - lr * (2 / len(y)) * (x.T @ residual)
    return losses


def label(curve: list[float]) -> str:
    first, last = curve[0], curve[-1]
    if not math.isfinite(last) or last > first:
        return "diverges"
    return "converges" if last <= 0.01 * first else "slow"


def draw_sweep(draw: Draw) -> Sweep:
    """A least-squares problem and learning rates of each kind, in a drawn order.

    The data's scale is drawn too, so the rates that diverge on one problem converge on
    another: only a measurement can tell them apart.
    """
    n, d = draw.integer(30, 40), draw.integer(2, 3)
    x = draw.tensor(n, d) * draw.choice([0.3, 0.6, 1.0, 2.0, 3.0])
    y = x @ draw.tensor(d)
    w0, steps = draw.tensor(d) * 0.5, draw.integer(25, 35)
    eigenvalues = torch.linalg.eigvalsh(2 / n * x.double().T @ x.double())
    low, high = eigenvalues[0].item(), eigenvalues[-1].item()
    best = 2 / (low + high)
    bands = {"diverges": (1.1, 1.4, 2 / high), "converges": (0.6, 1.0, best),
             "slow": (0.005, 0.03, best)}
    chosen: list[tuple[float, list[float]]] = []
    for kind, (lo, hi, unit) in bands.items():
        found = 0
        for _ in range(60):
            lr = float(f"{draw.number(lo, hi, digits=4) * unit:.3g}")
            curve = measure(x, y, w0, lr, steps)
            ratio = curve[-1] / curve[0]
            low_ok, high_ok = MARGINS[kind]
            if low_ok < ratio < high_ok and label(curve) == kind and \
                    lr not in [c[0] for c in chosen]:
                chosen.append((lr, curve))
                found += 1
                if found == RATES_PER_LABEL:
                    break
        if found < RATES_PER_LABEL:
            raise RuntimeError(f"no {kind} learning rate found for this problem")
    keys = [draw.number(0, 1, digits=6) for _ in chosen]
    order = sorted(range(len(chosen)), key=keys.__getitem__)
    return Sweep(x, y, w0, steps, [chosen[i][0] for i in order], [chosen[i][1] for i in order])


@check(points=2, concept="a learning-rate sweep starts every run afresh", hints=[
    "Every rate gets its own run from the same starting weights.",
    "Train a fresh copy of w0 per rate (w0.detach().clone().requires_grad_(True)) with its own "
    "SGD optimizer; reusing one tensor carries the previous run's weights into the next, and "
    "w0.requires_grad_() changes the caller's tensor. Record loss.item() before each step and "
    "once after the last.",
    "for lr in lrs: w = w0.detach().clone().requires_grad_(True); opt = SGD([w], lr=lr); "
    "losses = [] ...; curves.append(losses)",
], docs=[DOCS + "generated/torch.optim.SGD.html", DOCS + "optim.html"])
def sweep_loss_curves(learner, draw):
    sweep = draw_sweep(draw)
    got = learner.call("lr_sweep", *sweep.args, after=True)
    changed = ("w0 changed: train a copy of it for each rate (w0.detach().clone()"
               ".requires_grad_(True)), so every run starts from the same weights and the "
               "caller's w0 stays as it was.")
    # Every way w0 can change (its values, a graph or a .grad of its own) is this lesson.
    expect(got.after[2], as_data(sweep.w0), name="w0 after the call",
           advice={prop: changed for prop in ("values", "requires_grad", "grad")})
    curves = got.value
    expect_list(curves, "lr_sweep's result", "Return a list of curves, one per rate.")
    expect(len(curves), len(sweep.lrs), name="the number of curves",
           advice="Return one curve per learning rate, in the order of lrs.")
    for i, (lr, measured) in enumerate(zip(sweep.lrs, sweep.curves, strict=True)):
        restarted = isinstance(curves[i], list) and curves[i] and isinstance(
            curves[i][0], float) and abs(curves[i][0] - measured[0]) <= 1e-4 * measured[0]
        expect(curves[i], measured, name=f"the curve for lr={lr}", rtol=5e-3,
               atol=1e-6 * measured[0], advice={
                   "type": "Each curve is a list of Python floats (loss.item()).",
                   "length": f"Each curve holds steps + 1 = {sweep.steps + 1} losses: one "
                             "before each step and one after the last.",
                   "values": "Train with torch.optim.SGD([w], lr=rate) on F.mse_loss(x @ w, y), "
                             "recording the loss before each step." if restarted else
                             f"The run for lr={lr} did not start from w0: give every rate a "
                             "fresh copy of w0.",
               })


CURVE_ADVICE = {
    "converges": "The last loss is at most 1% of the first: the run converges.",
    "slow": "The loss went down, but the last loss is above 1% of the first: the run is slow.",
    "diverges": "Judge by the last loss against the first: this run ended above where it "
                "started, so it diverges.",
    "nan": "The run ended in nan, so it diverged; but nan > first is False, as is every "
           "comparison with nan. Test math.isfinite(last) before comparing.",
    "inf": "The run ended in inf, which is not a finite loss: it diverged.",
    "dip": "Judge by the last loss, not the best one: this run dipped, then ended above where "
           "it started, so it diverges.",
    "bump": "A bump on the way does not make a run diverge: judge by the first and last "
            "losses; this one ended lower than it started.",
}


def curve(first: float, ratio: float, points: int) -> list[float]:
    """A geometric loss curve from ``first`` to ``first * ratio``."""
    return [float(f"{first * ratio ** (i / (points - 1)):.4g}") for i in range(points)]


def draw_curves(draw: Draw) -> list[tuple[str, list[float]]]:
    """One loss curve of each kind, plain ones first and traps last. Each call sees one curve,
    so the order gives nothing away; it only decides which lesson a wrong rule meets first."""
    first, points = draw.number(2, 50), draw.integer(6, 10)
    return [
        ("converges", curve(first, draw.number(1e-4, 5e-3, digits=5), points)),
        ("slow", curve(first, draw.number(0.1, 0.8), points)),
        ("diverges", curve(first, draw.number(3, 1e5, digits=1), points)),
        ("inf", curve(first, 1e20, points - 1) + [math.inf]),
        ("dip", curve(first, 1e-4, points - 1) + [first * draw.number(1.5, 50)]),
        ("bump", [first, first * 3, *curve(first, draw.number(0.2, 0.7), points - 2)[1:]]),
        ("nan", curve(first, 1e30, points - 2) + [math.inf, math.nan]),
    ]


@check(points=1, concept="reading a loss curve", hints=[
    "Only two numbers decide: the first loss and the last one.",
    "A diverged run often ends in inf or nan, and every comparison with nan is False, so "
    "`last > first` misses it; a run that dipped and then blew up still diverged, however low "
    "it went on the way.",
    "if not math.isfinite(last) or last > first: return 'diverges'; "
    "return 'converges' if last <= 0.01 * first else 'slow'",
], docs=DOCS + "generated/torch.isfinite.html")
def classify_by_the_final_loss(learner, ref, draw):
    for kind, losses in draw_curves(draw):
        expect(*both(learner, ref, "classify_run", losses),
               advice={"type": 'Return one of the strings "diverges", "converges", "slow".',
                       "values": CURVE_ADVICE[kind]})


LABEL_ADVICE = {
    "diverges": "Too large a learning rate overshoots and the loss grows: measure each run and "
                "classify its curve (classify_run), rather than guessing from the rate's size.",
    "converges": "This rate brought the loss below 1% of its start within the steps: measure "
                 "each run and classify its curve (classify_run).",
    "slow": "Too small a learning rate makes convergence very slow: the loss fell, but not "
            "below 1% of its start. Measure each run and classify its curve (classify_run).",
}


@check(points=2, concept="a learning-rate sweep, measured", hints=[
    "Which rates are too large or too small depends on the problem: run them.",
    "Run the sweep (lr_sweep) on the problem you are given and label each curve "
    "(classify_run): too high a rate makes the loss explode, too low a rate barely moves it.",
    "return [classify_run(c) for c in lr_sweep(x, y, w0, lrs, steps)]",
], docs=[DOCS + "generated/torch.optim.SGD.html", DOCS + "optim.html"])
def sweep_report_matches_measurement(learner, draw):
    sweep = draw_sweep(draw)
    got = learner.sweep_report(*sweep.args)
    want = [label(c) for c in sweep.curves]
    expect_list(got, "sweep_report's result", "Return a list of labels, one per rate.")
    expect(len(got), len(want), name="the number of labels",
           advice="Return one label per learning rate, in the order of lrs.")
    for i, (lr, measured, kind) in enumerate(zip(sweep.lrs, sweep.curves, want, strict=True)):
        if got[i] != kind:
            raise Mismatch(f"is {got[i]!r} for lr={lr}; the grader measured {kind!r}: the loss "
                           f"went from {measured[0]:.4g} to {measured[-1]:.4g} in "
                           f"{sweep.steps} steps.", LABEL_ADVICE[kind], path=f"[{i}]")
