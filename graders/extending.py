"""Checks for `extending`: custom autograd Functions, a straight-through estimator, forward and
tensor hooks, and an in-place edit that breaks backward.

How gradients are checked (a gradcheck by the grading process): the learner's Function cannot
leave its sandbox, so a probe calls it there, at float64 points drawn here, and takes
vector-Jacobian products with torch.autograd.grad for grad_outputs drawn here. Only numbers
come back. Here, the grading process differentiates the task's formula numerically (central
differences with torch.autograd.gradcheck's eps, 1e-6, in float64, on its own points) and
compares with gradcheck's tolerances (atol 1e-5, rtol 1e-3). Nothing the sandbox says about the
right gradient is trusted; the expected values are made here.
"""

from collections.abc import Callable

import torch

from torchdojo.checks import Lesson, as_data, check, expect

DOCS = "https://docs.pytorch.org/docs/stable/"
EXTENDING = DOCS + "notes/extending.html"
# torch.autograd.gradcheck's defaults: the step of its finite differences and its tolerances.
GRADCHECK_EPS = 1e-6
GRADCHECK_TOL = {"atol": 1e-5, "rtol": 1e-3}
REFUSED = "refused: a saved tensor was modified in place"


# ----------------------------------------------------------------------------- the oracle


def weighted_softplus(x: torch.Tensor, w: torch.Tensor, beta: float) -> torch.Tensor:
    """The task's formula, written out here: log(1 + exp(beta * w * x)) / beta."""
    z = beta * w * x
    return torch.logaddexp(torch.zeros((), dtype=z.dtype), z) / beta


def numeric_vjps(fn: Callable[..., torch.Tensor], inputs: list[torch.Tensor],
                 cotangents: list[torch.Tensor]) -> list[list[torch.Tensor]]:
    """u^T J for each cotangent u and each input, J from central differences in float64."""
    inputs = [t.detach().double().clone() for t in inputs]
    jacobians = []
    for t in inputs:
        flat = t.view(-1)
        columns = []
        for i in range(flat.numel()):
            kept = flat[i].item()
            flat[i] = kept + GRADCHECK_EPS
            up = fn(*inputs).reshape(-1)
            flat[i] = kept - GRADCHECK_EPS
            down = fn(*inputs).reshape(-1)
            flat[i] = kept
            columns.append((up - down) / (2 * GRADCHECK_EPS))
        jacobians.append(torch.stack(columns, dim=1))
    return [[(u.double().reshape(-1) @ jac).view_as(t) for jac, t in zip(jacobians, inputs,
                                                                          strict=True)]
            for u in cotangents]


def by_grad_output(vjps: list[list[torch.Tensor]]) -> dict:
    """Products keyed as the probes key them: {"for grad_output 1": {"dL/dx": ..., ...}}."""
    return {f"for grad_output {k + 1}": {"dL/dx": gx, "dL/dw": gw}
            for k, (gx, gw) in enumerate(vjps)}


def softplus_problem(draw, dtype: torch.dtype = torch.float64) -> tuple:
    n, d = draw.distinct_shape(2, lo=2, hi=5)
    x, w = draw.tensor(n, d, dtype=dtype), draw.tensor(d, dtype=dtype)
    return x, w, draw.choice([0.5, 1.0, 2.0])


def call_label(x: torch.Tensor, beta: float) -> str:
    dtype = str(x.dtype).removeprefix("torch.")
    return f"WeightedSoftplus.apply(x, w, beta={beta}) on {dtype}"


# ----------------------------------------------------------------------------- the Function


def probe_function_forward(m, x, w, beta):
    import torch

    y = m.WeightedSoftplus.apply(x, w, beta)
    custom = isinstance(getattr(y, "grad_fn", None), torch.autograd.function.BackwardCFunction)
    return {"output": y, "made by a custom Function": custom}


@check(points=1, concept="a torch.autograd.Function's forward", hints=[
    "Subclass torch.autograd.Function with two static methods, forward(ctx, ...) and "
    "backward(ctx, grad_output), and call it through WeightedSoftplus.apply.",
    "forward computes the result from plain tensors (autograd records nothing inside it) and "
    "keeps what backward will need: tensors with ctx.save_for_backward, numbers as ctx "
    "attributes. apply() connects the result to your backward.",
    "ctx.save_for_backward(x, w); ctx.beta = beta; return F.softplus(beta * w * x) / beta",
], docs=[EXTENDING, DOCS + "generated/torch.autograd.Function.forward.html"])
def function_forward(learner, ref, draw):
    for dtype in (torch.float32, torch.float64):
        x, w, beta = softplus_problem(draw, dtype)
        got = learner.run(probe_function_forward, x.requires_grad_(True), w.requires_grad_(True),
                          beta, label=call_label(x, beta))
        value = weighted_softplus(x.detach().double(), w.detach().double(), beta).to(dtype)
        want = {"output": value.requires_grad_(True), "made by a custom Function": True}
        expect(got, as_data(want), advice={
            "['output']": "forward must return softplus(beta * w * x) / beta, elementwise, in "
                          "x's dtype, with w broadcast over the rows.",
            "['made by a custom Function']": "The output was not made by your Function: "
                                              "return the result of forward through "
                                              "WeightedSoftplus.apply.",
            "requires_grad": "The output of apply() requires grad when an input does: return "
                             "a tensor from forward, not a Python number.",
        })


def probe_function_vjp(m, x, w, beta, cotangents):
    import torch

    x, w = x.clone().requires_grad_(True), w.clone().requires_grad_(True)
    y = m.WeightedSoftplus.apply(x, w, beta)
    if not isinstance(y, torch.Tensor):
        return {"output": y, "gradients": None}
    if not y.requires_grad or y.shape != cotangents[0].shape:
        return {"output": y.detach(), "gradients": None}
    gradients = {}
    for k, u in enumerate(cotangents):
        gx, gw = torch.autograd.grad(y, (x, w), u, retain_graph=True, allow_unused=True)
        gradients[f"for grad_output {k + 1}"] = {"dL/dx": gx, "dL/dw": gw}
    return {"output": y.detach(), "gradients": gradients}


@check(points=3, concept="backward's gradients pass gradcheck", hints=[
    "Check your backward against finite differences in float64: "
    "torch.autograd.gradcheck(lambda x, w: WeightedSoftplus.apply(x, w, 1.5), (x, w)) with "
    "double tensors that require grad.",
    "backward gets dL/dy and returns dL/dx and dL/dw by the chain rule: with "
    "s = sigmoid(beta * w * x), dy/dx = s * w and dy/dw = s * x. Multiply by grad_output, "
    "sum dL/dw over the rows, which all share w, and return None for beta, a number.",
    "x, w = ctx.saved_tensors; s = torch.sigmoid(ctx.beta * w * x); "
    "return grad_output * s * w, (grad_output * s * x).sum(0), None",
], docs=[EXTENDING, DOCS + "generated/torch.autograd.Function.backward.html",
         DOCS + "generated/torch.autograd.gradcheck.gradcheck.html"])
def function_gradcheck(learner, ref, draw):
    x, w, beta = softplus_problem(draw)
    cotangents = [draw.tensor(*x.shape, dtype=torch.float64) for _ in range(3)]
    got = learner.run(probe_function_vjp, x, w, beta, cotangents,
                      label=f"{call_label(x, beta)}, then torch.autograd.grad")
    oracle = numeric_vjps(lambda a, b: weighted_softplus(a, b, beta), [x, w], cotangents)
    want = {"output": weighted_softplus(x, w, beta), "gradients": by_grad_output(oracle)}
    expect(got, as_data(want), advice={
        "['output']": "forward must return softplus(beta * w * x) / beta, elementwise.",
        "['gradients']": "backward's gradients disagree with finite differences of the forward "
                         "formula (float64, as torch.autograd.gradcheck takes them): apply the "
                         "chain rule, multiply by grad_output, and sum dL/dw over the rows.",
        "type": "backward returns one gradient per input of forward, in order: dL/dx, dL/dw, "
                "and None for beta; the output must require grad.",
        "shape": "dL/dx has x's shape (N, D) and dL/dw has w's shape (D,).",
    }, **GRADCHECK_TOL)


def probe_saved_then_modified(m, x, w, beta, cotangent, which):
    import torch

    x, w = x.clone().requires_grad_(True), w.clone().requires_grad_(True)
    y = m.WeightedSoftplus.apply(x, w, beta)
    if not isinstance(y, torch.Tensor) or not y.requires_grad or y.shape != cotangent.shape:
        return {"output": y, "backward before the change": None, "backward": None}
    control = dict(zip(("dL/dx", "dL/dw"), torch.autograd.grad(
        y, (x, w), cotangent, retain_graph=True, allow_unused=True), strict=True))
    with torch.no_grad():  # the caller changes an input after the forward pass
        (x if which == "x" else w).mul_(2)
    try:
        grads = torch.autograd.grad(y, (x, w), cotangent, allow_unused=True)
    except RuntimeError as error:
        if "modified by an inplace operation" not in str(error):
            raise
        return {"output": y.detach(), "backward before the change": control,
                "backward": "refused: a saved tensor was modified in place"}
    return {"output": y.detach(), "backward before the change": control,
            "backward": dict(zip(("dL/dx", "dL/dw"), grads, strict=True))}


@check(points=1, concept="ctx.save_for_backward guards saved tensors", hints=[
    "Change x in place after the forward pass, then call backward: what happens?",
    "Tensors kept with ctx.save_for_backward are checked when backward reads them: if one was "
    "modified in place since, autograd raises instead of returning a wrong gradient. A tensor "
    "stored as ctx.x = x has no such check, and backward silently uses the new values.",
    "ctx.save_for_backward(x, w) in forward; x, w = ctx.saved_tensors in backward",
], docs=[DOCS + "generated/torch.autograd.function.FunctionCtx.save_for_backward.html",
         DOCS + "autograd.html#in-place-correctness-checks"])
def function_saved_tensors(learner, ref, draw):
    x, w, beta = softplus_problem(draw)
    cotangent = draw.tensor(*x.shape, dtype=torch.float64)
    (right,) = by_grad_output(numeric_vjps(lambda a, b: weighted_softplus(a, b, beta), [x, w],
                                           [cotangent])).values()
    for which in ("x", "w"):
        label = f"{call_label(x, beta)}, then {which}.mul_(2), then backward"
        got = learner.run(probe_saved_then_modified, x, w, beta, cotangent, which, label=label)
        want = {"output": weighted_softplus(x, w, beta), "backward before the change": right,
                "backward": right}
        if isinstance(got, dict) and got.get("backward") == REFUSED:
            want["backward"] = REFUSED
        expect(got, as_data(want), name=label, advice={
            "['output']": "forward must return softplus(beta * w * x) / beta.",
            "['backward before the change']": Lesson(
                "backward's gradients pass gradcheck", "backward's gradients are wrong even "
                "before any change: apply the chain rule (see function_gradcheck)."),
            "['backward']": f"After {which} was changed in place, backward returned gradients "
                            f"computed from the new values, silently wrong. Save tensors with "
                            f"ctx.save_for_backward (autograd then refuses), not as ctx "
                            f"attributes.",
        }, **GRADCHECK_TOL)


# ----------------------------------------------------------------------------- straight through


def probe_ste(m, x, step, cotangent, view):
    import torch

    x = x.clone().requires_grad_(True)
    y = m.QuantizeSTE.apply(x, step)
    if view == "forward" or not isinstance(y, torch.Tensor):
        return {"output": y}
    grad = None
    if y.requires_grad and y.shape == cotangent.shape:
        (grad,) = torch.autograd.grad(y, x, cotangent, allow_unused=True)
    return {"output": y.detach(), "gradient": grad}


def ste_problem(draw, dtype: torch.dtype = torch.float32) -> tuple:
    """x off the rounding ties (so every rounding idiom agrees) and a power-of-two step."""
    n, d = draw.distinct_shape(2, lo=3, hi=7)
    x = (draw.tensor(n, d, dtype=torch.float64) * 2 + 0.003).to(dtype)
    return x, draw.choice([0.125, 0.25, 0.5]), draw.tensor(n, d, dtype=dtype)


@check(points=1, concept="quantising in the forward pass", hints=[
    "forward returns x rounded to the nearest multiple of step.",
    "torch.round(x / step) * step keeps x's shape and dtype; called through apply(), the "
    "result requires grad when x does.",
    "return torch.round(x / step) * step",
], docs=EXTENDING)
def ste_forward(learner, ref, draw):
    for dtype in (torch.float32, torch.float64):
        x, step, cotangent = ste_problem(draw, dtype)
        got = learner.run(probe_ste, x, step, cotangent, "forward",
                          label=f"QuantizeSTE.apply(x, step={step})")
        want = (torch.round(x.double() / step) * step).to(dtype).requires_grad_(True)
        expect(got, as_data({"output": want}), advice={
            "values": "Round x / step to the nearest whole number, then multiply by step.",
            "requires_grad": "Return the rounded tensor from forward and call the Function "
                             "through QuantizeSTE.apply, so the result is in the graph.",
        })


@check(points=2, concept="a straight-through estimator", hints=[
    "What gradient does rounding have? And what gradient does the task ask for?",
    "torch.round has a zero gradient almost everywhere, so nothing before it would train. "
    "The straight-through estimator pretends the forward pass was the identity: backward "
    "hands grad_output on unchanged, and returns None for step, which is not a tensor.",
    "@staticmethod\ndef backward(ctx, grad_output): return grad_output, None",
], docs=EXTENDING)
def ste_gradient(learner, ref, draw):
    x, step, cotangent = ste_problem(draw)
    got = learner.run(probe_ste, x, step, cotangent, "gradient",
                      label=f"QuantizeSTE.apply(x, step={step}), then torch.autograd.grad")
    want = {"output": (torch.round(x.double() / step) * step).float(), "gradient": cotangent}
    expect(got, as_data(want), advice={
        "['output']": "forward must return torch.round(x / step) * step.",
        "['gradient']": "The straight-through gradient is grad_output itself: backward returns "
                        "(grad_output, None), with no factor and no mask.",
    })


# ----------------------------------------------------------------------------- forward hooks


def probe_record(m, state, x, names, view):
    import contextlib

    import torch
    from torch import nn

    hidden, inputs = state["0.weight"].shape
    model = nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(inplace=view == "detached"),
                          nn.Linear(hidden, hidden), nn.Tanh(),
                          nn.Linear(hidden, len(state["4.bias"])))
    model.load_state_dict(state)

    def hooks_left():
        global_hooks = nn.modules.module
        return sum(len(mod._forward_hooks) + len(mod._forward_pre_hooks)
                   for mod in model.modules()) + len(global_hooks._global_forward_hooks) + \
            len(global_hooks._global_forward_pre_hooks)

    records = m.record_activations(model, x, names)
    if not isinstance(records, dict):
        return {"records": records}
    if view == "values":
        return {"records": {k: v.detach() if isinstance(v, torch.Tensor) else v
                            for k, v in records.items()}}
    if view == "detached":
        return {"records": records}
    left = hooks_left()
    with contextlib.suppress(RuntimeError):  # too narrow an input: the first layer raises
        m.record_activations(model, x[:, :-1], names)
    return {"records": {k: v.detach() if isinstance(v, torch.Tensor) else v
                        for k, v in records.items()},
            "hooks left after the call": left,
            "hooks left after a call whose forward pass raised": hooks_left()}


def hooked_model(draw) -> tuple[dict, torch.Tensor]:
    d, h, c, n = draw.integer(3, 5), draw.integer(4, 6), draw.integer(2, 3), draw.integer(2, 4)
    state = {"0.weight": draw.tensor(h, d), "0.bias": draw.tensor(h),
             "2.weight": draw.tensor(h, h) / 2, "2.bias": draw.tensor(h),
             "4.weight": draw.tensor(c, h), "4.bias": draw.tensor(c)}
    return state, draw.tensor(n, d)


@check(points=2, concept="forward hooks record activations", hints=[
    "register_forward_hook on a submodule calls your function after that submodule's "
    "forward, with (module, inputs, output).",
    "Look the submodules up by name with dict(model.named_modules()), register one hook per "
    "name that stores its output under that name, run the model once, and return the dict.",
    "handle = modules[name].register_forward_hook(lambda mod, inp, out: records.__setitem__("
    "name, out.detach().clone()))",
], docs=DOCS + "generated/torch.nn.Module.html#torch.nn.Module.register_forward_hook")
def hooks_record_activations(learner, ref, draw):
    state, x = hooked_model(draw)
    names = draw.choice([["0", "3"], ["2", "4"], ["1", "3", "4"]])
    label = f"record_activations(model, x, {names})"
    got, want = learner.run(probe_record, state, x, names, "values", label=label), \
        ref.run(probe_record, state, x, names, "values")
    expect(got, want, name=f"the records for names {names} of a 5-layer model", advice={
        "length": "Return one record per requested name, keyed by that name.",
        "values": "Record each named submodule's output, as its forward hook receives it.",
    })


@check(points=1, concept="recorded activations are detached copies", hints=[
    "Does a record still require grad? And does it change when a later layer works in place?",
    "A stored output keeps the whole autograd graph alive (memory grows with every batch); "
    "detach() drops the graph but shares memory, so nn.ReLU(inplace=True) after the layer "
    "overwrites the record. detach() and clone() together give a snapshot.",
    "records[name] = output.detach().clone()",
], docs=[DOCS + "generated/torch.Tensor.detach.html",
         DOCS + "generated/torch.nn.Module.html#torch.nn.Module.register_forward_hook"])
def hooks_detached(learner, ref, draw):
    state, x = hooked_model(draw)
    names = ["0", "2"]  # layer 0 is followed by ReLU(inplace=True)
    label = f"record_activations(model, x, {names}) on a model with ReLU(inplace=True)"
    got, want = learner.run(probe_record, state, x, names, "detached", label=label), \
        ref.run(probe_record, state, x, names, "detached")
    expect(got, want, name=f"the records for names {names}, with ReLU(inplace=True) after "
                           "layer 0", advice={
        "requires_grad": "The records keep the autograd graph alive: store output.detach() "
                         "(a clone of it), not the output itself.",
        "values": "The record changed after the hook ran: detach() shares memory with the "
                  "output, and the in-place ReLU that follows overwrote it. Store "
                  "output.detach().clone().",
        "length": "Return one record per requested name, keyed by that name.",
    })


@check(points=2, concept="hooks are removed after use", hints=[
    "After your function returns, how many hooks are still registered on the model?",
    "register_forward_hook returns a handle; handle.remove() unregisters the hook. Forgotten "
    "hooks keep recording on every later forward pass. Remove them in a finally: block, so "
    "that they go even when the forward pass raises.",
    "try: ...; model(x)  finally: for handle in handles: handle.remove()",
], docs=DOCS + "generated/torch.nn.Module.html#torch.nn.Module.register_forward_hook")
def hooks_removed(learner, ref, draw):
    state, x = hooked_model(draw)
    names = draw.choice([["0", "2"], ["1", "4"]])
    label = f"record_activations(model, x, {names}), then a call whose forward pass raises"
    got, want = learner.run(probe_record, state, x, names, "removal", label=label), \
        ref.run(probe_record, state, x, names, "removal")
    expect(got, want, advice={
        "['records']": "Record each named submodule's output, as its forward hook receives "
                       "it.",
        "['hooks left after the call']": "Hooks are still registered after the call: keep "
                                         "the handles register_forward_hook returns and call "
                                         "handle.remove() on each.",
        "['hooks left after a call whose forward pass raised']": "When model(x) raised, the "
                                                                 "hooks stayed: remove them "
                                                                 "in a finally: block.",
    })


# ----------------------------------------------------------------------------- tensor hooks


def probe_clip(m, param, coefficients, limit):
    import torch

    param = param.clone().requires_grad_(True)
    before = param.detach().clone()
    handle = m.clip_gradient(param, limit)
    (param * coefficients).sum().backward()
    first = None if param.grad is None else param.grad.clone()
    (param * coefficients).sum().backward()
    second = None if param.grad is None else param.grad.clone()
    removable = callable(getattr(handle, "remove", None))
    after_removal = None
    if removable:
        handle.remove()
        param.grad = None
        (param * coefficients).sum().backward()
        after_removal = param.grad
    return {"param.grad after backward": first, "param.grad after a second backward": second,
            "param unchanged": torch.equal(param.detach(), before),
            "returned a handle with remove()": removable,
            "param.grad after handle.remove()": after_removal}


def clip_problem(draw) -> tuple:
    size, limit = draw.integer(5, 8), draw.choice([0.5, 1.0])
    coefficients = draw.tensor(size) * 2
    coefficients[0], coefficients[1] = 3.0, -2.5  # some beyond the limit, either sign
    return draw.tensor(size), coefficients, limit


def clip_expected(coefficients: torch.Tensor, limit: float) -> dict:
    clipped = coefficients.clamp(-limit, limit)
    return {"param.grad after backward": clipped,
            "param.grad after a second backward": 2 * clipped, "param unchanged": True,
            "returned a handle with remove()": True,
            "param.grad after handle.remove()": coefficients}


@check(points=2, concept="a tensor hook changes the gradient", hints=[
    "A hook registered with param.register_hook(fn) sees every gradient computed for param, "
    "before it is stored in param.grad.",
    "The hook returns the gradient to use instead of the one it received; a hook that returns "
    "nothing changes nothing. It must not modify its argument in place.",
    "return param.register_hook(lambda grad: grad.clamp(-limit, limit))",
], docs=DOCS + "generated/torch.Tensor.register_hook.html")
def grad_hook_clips(learner, ref, draw):
    param, coefficients, limit = clip_problem(draw)
    got = learner.run(probe_clip, param, coefficients, limit,
                      label=f"clip_gradient(param, {limit}), then backward twice")
    want = clip_expected(coefficients, limit)
    del want["returned a handle with remove()"], want["param.grad after handle.remove()"]
    if isinstance(got, dict):
        got = {k: v for k, v in got.items() if k in want}
    expect(got, as_data(want), advice={
        "['param.grad after backward']": "The gradient reaching param.grad must be clamped to "
                                         "[-limit, limit]: register a hook on param that "
                                         "returns grad.clamp(-limit, limit).",
        "['param.grad after a second backward']": "Every backward pass must be clipped: the "
                                                  "hook stays registered until removed.",
        "['param unchanged']": "Clip the gradient, not the parameter: param's values must not "
                               "change.",
    })


@check(points=1, concept="a hook's handle removes it", hints=[
    "What does register_hook return, and what can the caller do with it?",
    "register_hook returns a RemovableHandle; handle.remove() unregisters the hook, and the "
    "gradients after that are no longer clipped. Return that handle.",
    "return param.register_hook(...)",
], docs=DOCS + "generated/torch.Tensor.register_hook.html")
def grad_hook_removable(learner, ref, draw):
    param, coefficients, limit = clip_problem(draw)
    got = learner.run(probe_clip, param, coefficients, limit,
                      label=f"clip_gradient(param, {limit}), backward, handle.remove(), "
                            "backward")
    expect(got, as_data(clip_expected(coefficients, limit)), advice={
        "['param.grad after backward']": Lesson(
            "a tensor hook changes the gradient", "The gradient must be clipped while the hook "
            "is registered: the hook returns grad.clamp(-limit, limit)."),
        "['returned a handle with remove()']": "Return the handle param.register_hook(...) "
                                               "gives: the caller removes the hook with it.",
        "['param.grad after handle.remove()']": "After handle.remove() the gradient must no "
                                                "longer be clipped: return the handle of the "
                                                "hook that clips.",
    })


def probe_scale(m, x, a, b, factor):
    import torch

    x = x.clone().requires_grad_(True)
    before = x.detach().clone()
    y = m.scale_gradient(x, factor)
    if not isinstance(y, torch.Tensor) or not y.requires_grad or y.shape != x.shape:
        return {"output": y, "x.grad": None, "x unchanged": torch.equal(x.detach(), before)}
    ((y * a).sum() + (x * b).sum()).backward()
    return {"output": y.detach(), "x.grad": x.grad,
            "x unchanged": torch.equal(x.detach(), before)}


@check(points=2, concept="a hook on the right tensor scales one path's gradient", hints=[
    "x is used twice: through scale_gradient and directly. Only the first path's gradient "
    "may be scaled.",
    "A hook on x itself scales every gradient reaching x. Make a new tensor from x (x.clone() "
    "or x.view_as(x)) and register the hook on that: it sees only the gradient flowing "
    "through it.",
    "y = x.clone(); y.register_hook(lambda grad: grad * factor); return y",
], docs=[DOCS + "generated/torch.Tensor.register_hook.html", EXTENDING])
def scale_gradient_path(learner, ref, draw):
    x, a, b = (draw.tensor(6) for _ in range(3))
    factor = draw.choice([-1.0, 0.5, 3.0])
    label = f"scale_gradient(x, {factor}) in (y * a).sum() + (x * b).sum(), then backward"
    got = learner.run(probe_scale, x, a, b, factor, label=label)
    expect(got, as_data({"output": x, "x.grad": factor * a + b, "x unchanged": True}), advice={
        "['output']": "The returned tensor must hold x's values: only its gradient is scaled.",
        "['x.grad']": "Only the gradient through the returned tensor may be scaled: register "
                      "the hook on a new tensor made from x (x.clone()), not on x.",
        "['x unchanged']": "Leave x as it is: make a new tensor from it.",
    })


# ----------------------------------------------------------------------------- in place


def probe_silu(m, x, cotangent):
    import torch

    x = x.clone().requires_grad_(True)
    before = x.detach().clone()
    y = m.silu(x)
    if not isinstance(y, torch.Tensor):
        return {"output": y, "gradient": None, "x unchanged": torch.equal(x.detach(), before)}
    grad = None
    if y.requires_grad and y.shape == cotangent.shape:
        (grad,) = torch.autograd.grad(y, x, cotangent)
    return {"output": y.detach(), "gradient": grad,
            "x unchanged": torch.equal(x.detach(), before)}


@check(points=2, concept="in-place edits of saved tensors break backward", hints=[
    "Which tensor did torch.sigmoid save for its backward pass, and which line overwrites it?",
    "Autograd counts in-place changes of every tensor (its version). A tensor saved for "
    "backward and changed afterwards makes backward raise. Use the out-of-place operation "
    "(gate * x, not gate *= x), and never modify x itself.",
    "return x * torch.sigmoid(x)",
], docs=[DOCS + "autograd.html#in-place-correctness-checks", DOCS + "notes/autograd.html"])
def inplace_fixed(learner, ref, draw):
    n, d = draw.distinct_shape(2, lo=2, hi=6)
    x, cotangent = draw.tensor(n, d) * 2, draw.tensor(n, d)
    got = learner.run(probe_silu, x, cotangent, label="silu(x), then torch.autograd.grad")
    x64 = x.double()
    s = torch.sigmoid(x64)
    want = {"output": (x64 * s).float(), "gradient": (cotangent * (s + x64 * s * (1 - s))).float(),
            "x unchanged": True}
    expect(got, as_data(want), rtol=1e-5, advice={
        "['output']": "silu(x) is x * sigmoid(x).",
        "['gradient']": "The gradient must flow back to x: compute the result from x with "
                        "out-of-place operations, inside the graph.",
        "['x unchanged']": "x was modified: compute a new tensor instead of changing x in "
                           "place.",
    })
