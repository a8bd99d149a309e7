"""Checks for `amp`: autocast regions, GradScaler steps, clipping, skipped steps, scale growth,
float16 underflow and checkpoints.

Everything runs on the CPU, where `torch.autocast("cpu", ...)` and `torch.amp.GradScaler("cpu")`
are real: the grader builds the scaler and passes it in (a `GradScaler()` without a device is a
CUDA scaler and silently disabled on a CPU). Only operations whose autocast policy is the same
on CPU and CUDA are asserted: linear layers give the low precision dtype, cross-entropy float32.
The GPU tier repeats the float16 checks with `GradScaler("cuda")`.
"""

import torch

from torchdojo.checks import Lesson, both, check, expect, expect_true, mlp, probe

MANUAL = "https://docs.pytorch.org/docs/stable/"  # the PyTorch manual
PAGES = MANUAL + "generated/"  # one page per function or class

BF16, FP16 = torch.bfloat16, torch.float16
PARAMS = dict(rtol=1e-4, atol=1e-6)  # parameters after steps: float32 values from AMP math


def draw_setup(draw, count=2, scale=1.0):
    """A small classifier's weights and ``count`` batches for it."""
    features, hidden, classes = draw.integer(4, 8), draw.integer(6, 12), draw.integer(3, 5)
    weights = {"0.weight": draw.tensor(hidden, features) * 0.4, "0.bias": draw.tensor(hidden) * 0.1,
               "2.weight": draw.tensor(classes, hidden) * 0.4, "2.bias": draw.tensor(classes) * 0.1}
    batches = []
    for _ in range(count):
        n = draw.integer(6, 12)
        batches.append((draw.tensor(n, features) * scale,
                        draw.integers(n, lo=0, hi=classes - 1)))
    return {"weights": weights, "batches": batches}


@probe(uses=[mlp])
def probe_amp(m, spec):
    """Drive the learner's AMP code on a small classifier, as ``spec`` says.

    Modes: forward (autocast_forward), scaler (make_scaler in a trusted loop), step
    (train_step with a GradScaler built here), save and load (checkpoints)."""
    import os
    import tempfile

    import torch
    import torch.nn.functional as F
    from torch import nn

    device, dtype = spec["device"], spec["dtype"]
    factor = spec.get("loss_factor", 1.0)

    def build(state):
        return mlp(state, nn.ReLU()).to(device)

    def loss_fn(logits, targets):
        return F.cross_entropy(logits, targets) * factor

    def batch(i):
        inputs, targets = spec["batches"][i]
        return inputs.to(device), targets.to(device)

    def detached(value):
        return value.detach() if isinstance(value, torch.Tensor) else value

    def parameters(model):
        return {name: p.detach().clone() for name, p in model.named_parameters()}

    def poison(model, steps):
        """Make the first layer's gradient inf in the steps listed (a simulated overflow)."""
        count = [0]

        def hook(grad):
            count[0] += 1
            return torch.full_like(grad, float("inf")) if count[0] - 1 in steps else grad

        model[0].weight.register_hook(hook)

    def trusted_step(model, optimizer, scaler, i):
        with torch.autocast(device, dtype=dtype):
            loss = loss_fn(model(batch(i)[0]), batch(i)[1])
        optimizer.zero_grad()
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        unscaled = model[0].weight.grad.detach().clone()
        scaler.step(optimizer)
        scaler.update()
        return unscaled

    mode = spec["mode"]
    model = build(spec["weights"])
    optimizer = torch.optim.SGD(model.parameters(), lr=spec.get("lr", 0.1), momentum=0.9)
    if mode == "forward":
        logits, loss = m.autocast_forward(model, *batch(0), device, dtype)
        return {"logits": detached(logits), "loss": detached(loss),
                "parameters": parameters(model)}
    if mode == "scaler":
        scaler = m.make_scaler(device, dtype)
        grads = [trusted_step(model, optimizer, scaler, i) for i in range(len(spec["batches"]))]
        return {"unscaled_gradients": grads, "parameters": parameters(model)}
    if mode == "step":
        scaler = torch.amp.GradScaler(device, **spec.get("scaler", {}))
        seen = []
        model[0].weight.register_hook(lambda grad: seen.append(grad.detach().clone()))
        poison(model, spec.get("inf_steps", ()))
        out = {"scales": [], "update_norms": [], "parameters": [], "losses": []}
        for i in range(len(spec["batches"])):
            before = parameters(model)
            loss = m.train_step(model, batch(i), loss_fn, optimizer, scaler, device, dtype,
                                spec.get("max_norm"))
            after = parameters(model)
            change = sum(float((after[k] - before[k]).double().pow(2).sum()) for k in after)
            out["scales"].append(scaler.get_scale())
            out["update_norms"].append(change**0.5)
            out["parameters"].append(after)
            out["losses"].append(detached(loss))
        if spec.get("watch"):
            out["scaled_gradients"] = seen
        return out
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        if mode == "load":  # a checkpoint drawn by the grader, loaded into fresh objects
            torch.save(spec["checkpoint"], path)
            fresh = build(spec["fresh_weights"])
            fresh_optimizer = torch.optim.SGD(fresh.parameters(), lr=0.5)
            fresh_scaler = torch.amp.GradScaler(device)
            m.load_checkpoint(path, fresh, fresh_optimizer, fresh_scaler)
            trusted_step(fresh, fresh_optimizer, fresh_scaler, 0)
            return {"scaler": fresh_scaler.state_dict(), "parameters": parameters(fresh),
                    "optimizer": fresh_optimizer.state_dict()["param_groups"]}
        scaler = torch.amp.GradScaler(device, growth_interval=2)
        poison(model, (0,))
        for i in range(len(spec["batches"])):
            trusted_step(model, optimizer, scaler, i)
        m.save_checkpoint(path, model, optimizer, scaler)
        saved = torch.load(path, weights_only=True)
    if not isinstance(saved, dict):
        return saved
    return {key: saved.get(key) for key in ("model", "optimizer", "scaler")}


def amp(learner, ref, what, case, **options):
    """Run ``case`` on both sides and compare the results; ``what`` names it in messages."""
    expect(*both(learner, ref, probe_amp, case, label=what), **options)


def spec(setup, mode, dtype, device="cpu", **extra):
    return {**setup, "mode": mode, "dtype": dtype, "device": device, **extra}


# ----------------------------------------------------------------------------- autocast

LOW_PRECISION = {
    "dtype": "Run the forward pass inside `with torch.autocast(device_type, dtype=dtype):`, "
             "with the device type you were given: an autocast region for another device "
             "type (\"cuda\" on a CPU) is disabled and leaves everything float32.",
}


def forward_results(learner, ref, draw, device="cpu"):
    """Both sides' autocast_forward results for bfloat16 and float16."""
    setup = draw_setup(draw, count=1)
    for dtype in (BF16, FP16):
        what = f"autocast_forward(model, inputs, labels, {device!r}, {dtype})"
        got, want = both(learner, ref, probe_amp, spec(setup, "forward", dtype, device),
                         label=what)
        if not isinstance(got, dict) or got.keys() != want.keys():  # a subverted sandbox
            expect(got, want, name=what)
        yield what, got, want


@check(points=2, concept="autocast runs layers in low precision", hints=[
    "Inside an autocast region a linear layer's output has the region's dtype.",
    "torch.autocast(device_type, dtype=...) only acts on its own device type: "
    "torch.autocast('cuda') on a CPU is disabled with a warning.",
    "with torch.autocast(device_type=device_type, dtype=dtype): logits = model(inputs); "
    "loss = F.cross_entropy(logits, labels)",
], docs=MANUAL + "amp.html#autocasting")
def autocast_runs_low_precision(learner, ref, draw):
    for what, got, want in forward_results(learner, ref, draw):
        expect(got["logits"], want["logits"], name=f"{what}: the logits tensor",
               advice=LOW_PRECISION)


@check(points=2, concept="losses and parameters stay float32", hints=[
    "Mixed precision mixes: some operations run in low precision, others in float32.",
    "Autocast computes cross-entropy in float32, but only inside the region: on bfloat16 "
    "logits outside it, the loss is bfloat16. Never convert the model (model.half()).",
    "Compute the loss inside the autocast region, and leave the model float32.",
], docs=MANUAL + "amp.html#autocast-op-reference")
def loss_and_parameters_stay_float32(learner, ref, draw):
    for what, got, want in forward_results(learner, ref, draw):
        expect(got["loss"], want["loss"], name=f"{what}: the loss", rtol=2e-2, atol=1e-3,
               advice={"dtype": "Compute the loss inside the autocast region, where "
                                "cross-entropy runs in float32 (or on logits.float())."})
        expect(got["parameters"], want["parameters"], name=f"{what}, parameter",
               advice={"dtype": "Do not convert the model (model.half(), .bfloat16()): "
                                "autocast casts per operation, and float32 master weights "
                                "keep small updates that low precision rounds away.",
                       "values": "autocast_forward must leave the parameters unchanged."})


# ----------------------------------------------------------------------------- scaler


def zero_fraction(gradients):
    """Fraction of exactly-zero entries in a list of gradient data."""
    values = [g.values for g in gradients if getattr(g, "values", None) is not None]
    total = sum(v.numel() for v in values)
    return sum(int((v == 0).sum()) for v in values) / total if total else 0.0


def expect_no_underflow(learner, ref, what, case, key, **options):
    """Run a float16 case with a tiny loss. Gradients that underflowed are exactly 0: say so
    before comparing everything else."""
    got, want = both(learner, ref, probe_amp, case, label=what)
    share = zero_fraction(got[key]) if isinstance(got, dict) and key in got else 0.0
    expect_true(share <= zero_fraction(want[key]) + 0.25,
                f"{share:.0%} of the first layer's gradients are exactly 0: they underflowed "
                "in float16.", name=f"{what}:", advice=(
                    "Scale the loss before backward() with an enabled GradScaler for your device "
                    "(scaler.scale(loss).backward()): the scale lifts small float16 gradients "
                    "above the smallest float16 number, and unscale_/step divide it back out."))
    expect(got, want, **options)


@check(points=2, concept="a GradScaler for float16", hints=[
    "Which device does a GradScaler scale for when you do not say?",
    "torch.amp.GradScaler() defaults to 'cuda' and disables itself on a machine without CUDA; "
    "float16 then underflows. bfloat16 has float32's range and needs no scaling.",
    "return torch.amp.GradScaler(device_type, enabled=(dtype == torch.float16))",
], docs=MANUAL + "amp.html#gradient-scaling")
def scaler_for_float16(learner, ref, draw):
    setup = draw_setup(draw, count=2)
    expect_no_underflow(learner, ref,
                        "make_scaler('cpu', torch.float16) in float16 training with a small loss",
                        spec(setup, "scaler", FP16, loss_factor=1e-8), "unscaled_gradients",
                        **PARAMS)
    what = "make_scaler('cpu', torch.bfloat16) in bfloat16 training"
    amp(learner, ref, what, spec(setup, "scaler", BF16), **PARAMS)


# ----------------------------------------------------------------------------- train_step

# The first step matching and a later one differing, with the scale the same, means gradients
# of the earlier step leaked into the later one: a lesson about zero_grad, not the scaler.
LEAKED = Lesson("zeroing gradients every step", "The first step matches and a later one does "
                "not: the gradients of the earlier step were still in .grad and were added to "
                "this step's. Clear them every step with optimizer.zero_grad() (before "
                "backward(), or after step()).")
STEP_ADVICE = {
    "values": "Scale the loss (scaler.scale(loss).backward()), step through the scaler "
              "(scaler.step(optimizer), not optimizer.step()) and call scaler.update() once "
              "per step; use the scaler you were given.",
    "dtype": "Return the loss computed under autocast (float32), detached.",
    **{f"['{finding}'][{step}]": LEAKED for finding in ("update_norms", "parameters", "losses")
       for step in (1, 2)},
}


@check(points=3, concept="the GradScaler training step", hints=[
    "A scaled step has four parts: scale the loss, backward, step through the scaler, update.",
    "optimizer.step() would apply gradients still multiplied by the scale (65536); "
    "scaler.step(optimizer) unscales them first and skips the step on inf.",
    "scaler.scale(loss).backward(); scaler.step(optimizer); scaler.update()",
], docs=MANUAL + "notes/amp_examples.html")
def step_matches_reference(learner, ref, draw):
    setup = draw_setup(draw, count=2)
    for dtype, options, label in ((BF16, {}, "an enabled GradScaler for cpu"),
                                  (FP16, {}, "an enabled GradScaler for cpu"),
                                  (BF16, {"enabled": False}, "a disabled GradScaler for cpu")):
        amp(learner, ref, f"train_step in {dtype} with {label}",
            spec(setup, "step", dtype, scaler=options), advice=STEP_ADVICE, **PARAMS)


@check(points=2, concept="skipping steps that overflow", hints=[
    "Sometimes a scaled gradient overflows to inf; that step must not change the weights.",
    "scaler.step(optimizer) skips optimizer.step() when the gradients hold inf or NaN, and "
    "scaler.update() then halves the scale.",
    "scaler.scale(loss).backward(); scaler.step(optimizer); scaler.update()",
], docs=MANUAL + "amp.html#gradient-scaling")
def inf_step_skipped(learner, ref, draw):
    setup = draw_setup(draw, count=2)
    amp(learner, ref, "train_step when the first step's gradients are inf",
        spec(setup, "step", FP16, inf_steps=(0,)), **PARAMS, advice={
            **STEP_ADVICE,
            "['scales']": "After an inf step scaler.update() halves the scale: call "
                          "scaler.update() every step, on the scaler you were given.",
            "['parameters']": "A step with inf gradients must leave the parameters unchanged: "
                              "step through scaler.step(optimizer), which skips it.",
        })


@check(points=2, concept="the scale adapts over steps", hints=[
    "The scaler learns a good scale across steps, so it must live as long as the training.",
    "scaler.update() grows the scale after growth_interval clean steps; a new GradScaler "
    "every step, or no update(), keeps it fixed.",
    "Use the scaler passed in and call scaler.update() at the end of every step.",
], docs=MANUAL + "amp.html#gradient-scaling")
def scale_grows(learner, ref, draw):
    setup = draw_setup(draw, count=3)
    amp(learner, ref, "train_step over 3 steps, scaler growth_interval=1",
        spec(setup, "step", BF16, scaler={"growth_interval": 1}), **PARAMS, advice={
            **STEP_ADVICE,
            "['scales']": "The scale must double after each clean step here: call "
                          "scaler.update() once per step on the scaler you were given (never "
                          "make a new one).",
        })


@check(points=2, concept="clipping unscaled gradients", hints=[
    "Clipping compares the gradients' norm with max_norm; what are the gradients multiplied "
    "by at that moment?",
    "After scaler.scale(loss).backward() the gradients are multiplied by the scale (65536): "
    "clip them as they are and nearly nothing is left. scaler.unscale_(optimizer) divides "
    "them back first.",
    "scaler.unscale_(optimizer); torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm); "
    "scaler.step(optimizer)",
], docs=MANUAL + "notes/amp_examples.html#working-with-unscaled-gradients")
def clips_unscaled_gradients(learner, ref, draw):
    setup = draw_setup(draw, count=2, scale=10.0)
    amp(learner, ref, "train_step with max_norm=0.5",
        spec(setup, "step", BF16, max_norm=0.5), **PARAMS, advice={
            **STEP_ADVICE,
            "values": "The update differs: call scaler.unscale_(optimizer) before "
                      "clip_grad_norm_, so clipping sees the true gradients, and clip only "
                      "when max_norm is given.",
            "['update_norms']": "The size of the update differs: clipping gradients that are "
                                "still scaled by 65536 leaves almost nothing once the step "
                                "unscales them. Call scaler.unscale_(optimizer) before "
                                "clip_grad_norm_.",
        })


@check(points=2, concept="loss scaling prevents float16 underflow", hints=[
    "float16's smallest positive number is about 6e-8; what happens to smaller gradients?",
    "Without scaling, small float16 gradients round to exactly 0 and those weights stop "
    "learning; scaling the loss lifts them into float16's range.",
    "scaler.scale(loss).backward()  (never loss.backward() in float16 training)",
], docs=MANUAL + "amp.html#gradient-scaling")
def float16_gradients_survive(learner, ref, draw):
    setup = draw_setup(draw, count=1)
    expect_no_underflow(learner, ref, "train_step in float16 with a small loss, loss × 1e-8",
                        spec(setup, "step", FP16, loss_factor=1e-8, watch=True),
                        "scaled_gradients", rtol=1e-3, atol=1e-9, advice=STEP_ADVICE)


# ----------------------------------------------------------------------------- checkpoints


@check(points=2, concept="saving the scaler with a checkpoint", hints=[
    "What does resuming need besides the weights?",
    "The scaler's scale and growth tracker are training state too: without them a resumed "
    "run restarts at 65536 and overflows or underflows again.",
    'torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), '
    '"scaler": scaler.state_dict()}, path)',
], docs=MANUAL + "notes/amp_examples.html#saving-resuming")
def checkpoint_saves_scaler(learner, ref, draw):
    setup = draw_setup(draw, count=2)
    amp(learner, ref, "save_checkpoint(path, model, optimizer, scaler), read back",
        spec(setup, "save", BF16), advice={
            "['scaler']": "Save scaler.state_dict() under 'scaler': the scale and growth "
                          "tracker are part of the training state.",
            "['optimizer']": "Save optimizer.state_dict() under 'optimizer'.",
            "['model']": "Save model.state_dict() under 'model'.",
        })


@check(points=2, concept="resuming the scaler from a checkpoint", hints=[
    "A resumed run should continue exactly where the saved one stopped.",
    "Restore all three state dicts: model.load_state_dict, optimizer.load_state_dict and "
    "scaler.load_state_dict.",
    'checkpoint = torch.load(path); scaler.load_state_dict(checkpoint["scaler"])',
], docs=MANUAL + "notes/amp_examples.html#saving-resuming")
def checkpoint_restores_scaler(learner, ref, draw):
    setup = draw_setup(draw, count=2)
    fresh = {key: draw.tensor(*w.shape) * 0.4 for key, w in setup["weights"].items()}
    amp(learner, ref, "load_checkpoint(path, model, optimizer, scaler), then one more step",
        spec(setup, "load", BF16, fresh_weights=fresh, checkpoint=drawn_checkpoint(setup, draw)),
        **PARAMS, advice={
            "['scaler']": "Restore the scaler too: scaler.load_state_dict(checkpoint['scaler']).",
            "['optimizer']": "Restore the optimizer: "
                             "optimizer.load_state_dict(checkpoint['optimizer']).",
            "['parameters']": "Restore the model and the optimizer (momentum) from the "
                              "checkpoint.",
        })


def drawn_checkpoint(setup: dict, draw) -> dict:
    """A checkpoint as save_checkpoint writes one: the setup's weights, drawn momentum and a
    drawn scale (never the default, so a scaler left unrestored shows)."""
    weights = setup["weights"]  # a state_dict, in the order of model.parameters()
    model = mlp(weights, torch.nn.ReLU())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9).state_dict()
    optimizer["state"] = {i: {"momentum_buffer": draw.tensor(*w.shape) * 0.1}
                          for i, w in enumerate(weights.values())}
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0 ** draw.integer(4, 12),
                                  growth_interval=2)
    scaler_state = {**scaler.state_dict(), "_growth_tracker": draw.integer(0, 1)}
    return {"model": dict(weights), "optimizer": optimizer, "scaler": scaler_state}


# ----------------------------------------------------------------------------- GPU tier


@check(points=2, concept="float16 autocast on a GPU", requires="cuda", hints=[
    "On a GPU, float16 autocast uses the tensor cores; the dtype contract is the same.",
    "torch.autocast('cuda', dtype=torch.float16): linear outputs float16, losses float32, "
    "parameters float32.",
    "with torch.autocast(device_type=device_type, dtype=dtype): ...",
], docs=MANUAL + "amp.html#cuda-ops-that-can-autocast-to-float16")
def cuda_float16_autocast(learner, ref, draw):
    for what, got, want in forward_results(learner, ref, draw, device="cuda"):
        expect(got["logits"], want["logits"], name=f"{what}: the logits tensor", rtol=1e-2,
               atol=1e-3, advice=LOW_PRECISION)
        expect(got["loss"], want["loss"], name=f"{what}: the loss", rtol=2e-2, atol=1e-3)
        expect(got["parameters"], want["parameters"], name=f"{what}, parameter")


@check(points=2, concept="GradScaler('cuda') steps", requires="cuda", hints=[
    "The scaler you make and the steps you take must work on the GPU too.",
    "GradScaler(device_type) scales for that device; scaler.step skips inf steps and "
    "update() halves the scale there as on the CPU.",
    "torch.amp.GradScaler('cuda', enabled=(dtype == torch.float16))",
], docs=MANUAL + "notes/amp_examples.html")
def cuda_float16_scaler_steps(learner, ref, draw):
    setup = draw_setup(draw, count=2)
    expect_no_underflow(learner, ref, "make_scaler('cuda', torch.float16) with a small loss",
                        spec(setup, "scaler", FP16, "cuda", loss_factor=1e-8),
                        "unscaled_gradients", rtol=1e-3, atol=1e-6)
    amp(learner, ref, 'train_step on cuda in float16 with GradScaler("cuda"), first step inf',
        spec(setup, "step", FP16, "cuda", inf_steps=(0,)), advice=STEP_ADVICE,
        rtol=1e-3, atol=1e-6)
