"""Checks for `layers`: dropout, BatchNorm and LayerNorm by hand, initialisation, flatten sizes,
embeddings with padding, weight decay.

The expected values come from PyTorch's own layers, run here in the grading process on the
inputs drawn here: the same probe that drives the learner's layer in the sandbox drives
nn.BatchNorm1d or F.layer_norm here. Random behaviour is graded by its distribution (dropout
masks, initial weights), with the global seed set by the probe, so any correct idiom passes.
"""

import math
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn

from torchdojo.checks import Lesson, Mismatch, TensorData, as_data, both, check, expect, expect_true

DOCS = "https://docs.pytorch.org/docs/stable/"
# Hand-written normalisation differs from PyTorch's kernels by float rounding only.
NORM_TOL = {"rtol": 1e-4, "atol": 1e-5}
# How many standard errors a statistic of a correct random draw may stray: a false alarm is
# rarer than one in a million per statistic, and a wrong distribution is still many times off.
SIGMAS = 6
NORMAL_TAILS = 0.0455  # the share of a normal draw beyond two standard deviations


# ----------------------------------------------------------------------------- helpers


def away_from_zero(draw, *shape: int) -> torch.Tensor:
    """Values with no zeros among them, so a zero in the output can only be a dropped one."""
    t = draw.tensor(*shape)
    return torch.where(t >= 0, t + 0.1, t - 0.1)


def part(got: object, key: str) -> object:
    """``got[key]``, or the mismatch that says why a probe's reply has no such part."""
    if not isinstance(got, dict) or key not in got:
        expect(got, as_data({key: torch.zeros(0)}))
    return got[key]


def tensor_like(got: object, example: torch.Tensor, name: str, advice: str = "") -> TensorData:
    """``got`` as a tensor of example's shape and dtype, or the mismatch that says otherwise."""
    want = as_data(example)
    if not isinstance(got, TensorData) or got.shape != want.shape or got.dtype != want.dtype \
            or got.values is None:
        expect(got, want, name=name, advice=advice)
    return got


def pytorch(**layers) -> SimpleNamespace:
    """PyTorch's own layers dressed as a learner module, for the probes to drive here."""
    return SimpleNamespace(**layers)


# ----------------------------------------------------------------------------- dropout


def probe_dropout(m, x, p, training, seed, cotangent):
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        x = x.clone().requires_grad_(True)
        out = m.dropout(x, p, training)
    if not isinstance(out, torch.Tensor):
        return {"output": out, "gradient": None}
    grad = None
    if out.requires_grad and out.shape == cotangent.shape:
        (grad,) = torch.autograd.grad(out, x, cotangent, allow_unused=True)
    return {"output": out.detach(), "gradient": grad}


def probe_dropout_ones(m, shape, p, seed, calls):
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        x = torch.ones(shape)
        outs = [m.dropout(x, p, True) for _ in range(calls)]
    return [o.detach() if isinstance(o, torch.Tensor) else o for o in outs]


def dropout_call(p: float, training: bool) -> str:
    return f"dropout(x, p={p}, training={training})"


@check(points=1, concept="dropout is the identity in eval mode", hints=[
    "What should dropout do when the model is evaluated?",
    "nn.Dropout only drops and rescales in training; in eval mode it returns its input as it "
    "is, because the 1/(1-p) scaling in training already keeps every expected value right.",
    "if not training: return x",
], docs=DOCS + "generated/torch.nn.Dropout.html")
def dropout_identity_in_eval(learner, ref, draw):
    x, p, seed = away_from_zero(draw, 30, 40), draw.choice([0.2, 0.5]), draw.seed_value()
    cotangent = draw.tensor(30, 40)
    label = dropout_call(p, False)
    got = learner.run(probe_dropout, x, p, False, seed, cotangent, label=label)
    expect(part(got, "output"), as_data(x), name=label,
           advice="With training=False dropout must change nothing: no mask and no scaling "
                  "(nn.Dropout is the identity in eval mode). Return x.")
    expect(part(got, "gradient"), as_data(cotangent),
           name=f"the gradient reaching x through {label}",
           advice="In eval mode the gradient passes through unchanged: return x itself (or "
                  "an operation on it), not a detached copy.")
    label = dropout_call(p, True)
    trained = learner.run(probe_dropout, x, p, True, seed, cotangent, label=label)
    out = tensor_like(part(trained, "output"), x, label)
    expect_true(bool((out.values == 0).any()), "dropped nothing: it returned x unchanged in "
                "training too.", "The training flag decides the behaviour: drop and rescale "
                "when training is True, do nothing when it is False.", name=label)


@check(points=2, concept="inverted dropout scales by 1/(1-p)", hints=[
    "Compare the mean of your output with the mean of the input, over many elements.",
    "Zeroing a fraction p of the elements shrinks every expected value by (1 - p). Inverted "
    "dropout multiplies the survivors by 1 / (1 - p) in training, so nothing changes at "
    "evaluation. Keep the mask out of the graph and multiply: gradients then reach x through "
    "the survivors, scaled the same way.",
    "keep = (torch.rand_like(x) >= p).to(x.dtype); return x * keep / (1 - p)",
], docs=DOCS + "generated/torch.nn.Dropout.html")
def dropout_scales_survivors(learner, ref, draw):
    x, cotangent = away_from_zero(draw, 30, 40), draw.tensor(30, 40)
    for p in (draw.choice([0.2, 0.25]), draw.choice([0.5, 0.6])):
        label = dropout_call(p, True)
        got = learner.run(probe_dropout, x, p, True, draw.seed_value(), cotangent, label=label)
        out = tensor_like(part(got, "output"), x, label)
        kept = (out.values != 0).to(x.dtype)
        share = float(1 - kept.mean())
        expect_true(abs(share - p) <= 0.15, f"zeroed {share:.0%} of the elements; about "
                    f"{p:.0%} should be zeroed.", "Zero each element with probability p: keep "
                    "it where torch.rand_like(x) >= p.", name=label)
        # What nn.Dropout gives for the mask the learner drew: survivors times 1 / (1 - p).
        expect(out, as_data(x * kept / (1 - p)), name=label,
               advice="The elements that survive must be multiplied by 1 / (1 - p) (inverted "
                      "dropout), and the dropped ones must be exactly 0.")
        expect(part(got, "gradient"), as_data(cotangent * kept / (1 - p)),
               name=f"the gradient reaching x through {label}",
               advice="The gradient must reach x through the survivors, scaled by 1 / (1 - p): "
                      "build the output from x with tensor operations (no torch.no_grad(), "
                      ".data or .detach() on x).")


def mask_statistics(masks: list[torch.Tensor], p: float) -> list[str]:
    """What is wrong with these dropout masks, as sentences; empty when they look Bernoulli."""
    problems = []
    dropped = [(~m).double() for m in masks]
    n_rows, n_cols = dropped[0].shape

    def off(share: torch.Tensor, n: int, target: float) -> float:
        return float((share - target).abs().max() / math.sqrt(target * (1 - target) / n))

    overall = dropped[0].mean()
    if off(overall, dropped[0].numel(), p) > SIGMAS:
        problems.append(f"it zeroed {float(overall):.1%} of the elements, not about {p:.0%}")
    if off(dropped[0].mean(dim=0), n_rows, p) > SIGMAS:
        problems.append("some columns are dropped far more often than others")
    if off(dropped[0].mean(dim=1), n_cols, p) > SIGMAS:
        problems.append("some rows are dropped far more often than others")
    same = 1 - (dropped[0] - dropped[1]).abs().mean()
    if off(same, dropped[0].numel(), p * p + (1 - p) ** 2) > SIGMAS:
        problems.append("two calls dropped the same elements: the mask must be drawn anew, "
                        "independently, on every call")
    return problems


@check(points=2, concept="the dropout mask: independent Bernoulli draws", hints=[
    "Call your dropout many times on a large tensor of ones: which elements are zero?",
    "nn.Dropout zeroes each element independently with probability p, with a new mask on "
    "every call, drawn from the global random generator. A fixed seed inside the function, "
    "a mask shared by all rows or a fixed pattern all fail this.",
    "keep = torch.rand_like(x) >= p  (or torch.bernoulli(torch.full_like(x, 1 - p)))",
], docs=DOCS + "generated/torch.nn.Dropout.html")
def dropout_mask_distribution(learner, ref, draw):
    shape, p, seed = (200, 300), draw.choice([0.2, 0.3, 0.5]), draw.seed_value()
    label = f"dropout(torch.ones{shape}, p={p}, training=True), called twice,"
    got = learner.run(probe_dropout_ones, shape, p, seed, 2, label=label)
    example = torch.ones(shape)
    if not isinstance(got, list) or len(got) != 2:
        expect(got, as_data([example, example]), name=label)
    outs = [tensor_like(out, example, label, advice="Return a tensor of x's shape and dtype.")
            .values for out in got]
    # Only the mask is graded here, but never for outputs that are wrong: from ones, inverted
    # dropout gives 0 or 1 / (1 - p), nothing else.
    scaled = all(bool(((o == 0) | torch.isclose(o, torch.tensor(1 / (1 - p)))).all())
                 for o in outs)
    expect_true(scaled, "gave values other than 0 and 1 / (1 - p) for an input of ones.",
                "Keep or zero each element, and scale the kept ones by 1 / (1 - p).",
                name=label)
    problems = mask_statistics([o != 0 for o in outs], p)
    expect_true(not problems, f"{'; '.join(problems)}.",
                "Draw the mask with torch.rand_like(x) >= p (or torch.bernoulli) inside the "
                "function, from the global generator, for every element separately.",
                name=label)


# ----------------------------------------------------------------------------- BatchNorm


def probe_batchnorm_train(m, weight, bias, x, cotangent):
    import torch

    bn = m.BatchNorm1d(x.shape[1])
    with torch.no_grad():
        bn.weight.copy_(weight)
        bn.bias.copy_(bias)
    bn.train()
    x = x.clone().requires_grad_(True)
    out = bn(x)
    if not isinstance(out, torch.Tensor):
        return {"output": out, "gradients": None}
    grads = None
    if out.requires_grad and out.shape == cotangent.shape:
        grads = dict(zip(("x", "weight", "bias"), torch.autograd.grad(
            out, [x, bn.weight, bn.bias], cotangent, allow_unused=True), strict=True))
    return {"output": out.detach(), "gradients": grads}


def probe_batchnorm_running(m, batches, final):

    bn = m.BatchNorm1d(batches[0].shape[1])
    history = {}
    bn.train()
    for i, batch in enumerate(batches):  # inside a network, a batch norm's input is in the graph
        bn(batch.clone().requires_grad_(True))
        history[f"after training batch {i + 1}"] = {
            "running_mean": bn.running_mean.clone(), "running_var": bn.running_var.clone()}
    bn.eval()
    bn(final)
    history["after a batch in eval mode"] = {
        "running_mean": bn.running_mean.clone(), "running_var": bn.running_var.clone()}
    names = ("running_mean", "running_var")
    return {**history,
            "buffers": [n for n in names if n in dict(bn.named_buffers())],
            "parameters": sorted(n for n, _ in bn.named_parameters())}


def probe_batchnorm_eval(m, weight, bias, mean, var, x, cotangent):
    import torch

    bn = m.BatchNorm1d(x.shape[1])
    with torch.no_grad():
        bn.weight.copy_(weight)
        bn.bias.copy_(bias)
        bn.running_mean.copy_(mean)
        bn.running_var.copy_(var)
    bn.eval()
    x = x.clone().requires_grad_(True)
    out = bn(x)
    if not isinstance(out, torch.Tensor):
        return {"output": out, "row 0 alone": None, "gradients": None}
    grads = None
    if out.requires_grad and out.shape == cotangent.shape:
        grads = dict(zip(("x", "weight", "bias"), torch.autograd.grad(
            out, [x, bn.weight, bn.bias], cotangent, allow_unused=True), strict=True))
    alone = bn(x[:1].detach())
    return {"output": out.detach(),
            "row 0 alone": alone.detach() if isinstance(alone, torch.Tensor) else alone,
            "gradients": grads}


def batch(draw) -> torch.Tensor:
    """A (N, C) batch whose features have their own scales and offsets, N != C."""
    n, c = draw.integer(6, 10), draw.integer(3, 5)
    return draw.tensor(n, c) * (1 + draw.tensor(c).abs()) + draw.tensor(c) * 3


def affine(draw, c: int) -> tuple[torch.Tensor, torch.Tensor]:
    return 1 + draw.tensor(c) / 2, draw.tensor(c) / 2


TORCH_BN = pytorch(BatchNorm1d=nn.BatchNorm1d)


@check(points=2, concept="BatchNorm normalises with the batch's statistics in training", hints=[
    "In training mode, change one row of the batch: does the output of another row change?",
    "In training, BatchNorm standardises each feature with the mean and the biased variance "
    "(divide by N) of the current batch, then applies weight and bias; the running statistics "
    "are only updated, not used.",
    "mean = x.mean(dim=0); var = x.var(dim=0, unbiased=False); "
    "y = (x - mean) / torch.sqrt(var + eps) * self.weight + self.bias",
], docs=DOCS + "generated/torch.nn.BatchNorm1d.html")
def batchnorm_training_uses_batch(learner, ref, draw):
    x = batch(draw)
    weight, bias = affine(draw, x.shape[1])
    cotangent = draw.tensor(*x.shape)
    got = learner.run(probe_batchnorm_train, weight, bias, x, cotangent,
                      label="BatchNorm1d in training mode")
    want = as_data(probe_batchnorm_train(TORCH_BN, weight, bias, x, cotangent))
    expect(part(got, "output"), want["output"], name="BatchNorm1d(x) in training mode",
           advice="In training mode normalise each feature with this batch's mean and biased "
                  "variance (x.var(dim=0, unbiased=False)), not with the running statistics, "
                  "then multiply by weight and add bias.", **NORM_TOL)
    expect(part(got, "gradients"), want["gradients"],
           name="the gradients of BatchNorm1d in training mode",
           advice="Gradients must reach x, weight and bias: weight and bias must be "
                  "nn.Parameters used in forward, and the batch statistics must stay in the "
                  "graph (compute them from x, without .detach()).", **NORM_TOL)


@check(points=2, concept="running statistics update only in training", hints=[
    "Print running_mean and running_var after a few training batches and after an eval pass.",
    "Each training forward moves them toward the batch statistics: running = (1 - momentum) * "
    "running + momentum * batch statistic, with momentum 0.1 and the unbiased variance for "
    "running_var. They are buffers (register_buffer), updated without a graph, and eval "
    "leaves them alone.",
    "with torch.no_grad(): self.running_mean.mul_(0.9).add_(0.1 * mean); "
    "self.running_var.mul_(0.9).add_(0.1 * x.var(dim=0, unbiased=True))",
], docs=DOCS + "generated/torch.nn.BatchNorm1d.html")
def batchnorm_running_statistics(learner, ref, draw):
    first = batch(draw)
    n, c = first.shape
    batches = [first] + [draw.tensor(n, c) * 2 + draw.tensor(c) for _ in range(2)]
    final = draw.tensor(n, c) * 3
    got = learner.run(probe_batchnorm_running, batches, final,
                      label="BatchNorm1d: 3 training batches, then one in eval mode")
    want = probe_batchnorm_running(TORCH_BN, batches, final)
    try:
        expect(got, as_data(want), name="BatchNorm1d's running statistics", advice={
                   "['after a batch in eval mode']": "The running statistics changed in eval "
                                                     "mode: update them only when "
                                                     "self.training is True.",
                   "['after training": "Update in training only, with momentum 0.1: running = "
                                       "0.9 * running + 0.1 * batch statistic, and the unbiased "
                                       "batch variance (divide by N - 1) for running_var.",
                   "['buffers']": "running_mean and running_var must be buffers: "
                                  "self.register_buffer('running_mean', "
                                  "torch.zeros(num_features)).",
                   "['parameters']": "Only weight and bias are parameters; the running "
                                     "statistics are buffers, not nn.Parameters.",
               }, **NORM_TOL)
    except Mismatch as miss:
        if miss.prop == "requires_grad":  # the lesson is the graph, whichever value it is
            miss.advice = "The running statistics are part of the autograd graph: update " \
                          "them under torch.no_grad() (or from detached batch statistics), " \
                          "or every step keeps the previous steps' graphs alive."
        raise


@check(points=2, concept="BatchNorm uses the running statistics in eval mode", hints=[
    "In eval mode, does a row's output still depend on the other rows of the batch?",
    "After model.eval(), BatchNorm normalises with running_mean and running_var, so a sample "
    "gets the same output alone or in any batch, and one sample at a time works.",
    "mean, var = self.running_mean, self.running_var  (when not self.training)",
], docs=DOCS + "generated/torch.nn.BatchNorm1d.html")
def batchnorm_eval_uses_running(learner, ref, draw):
    x = batch(draw)
    c = x.shape[1]
    weight, bias = affine(draw, c)
    mean, var = draw.tensor(c) * 2, draw.tensor(c).abs() + 0.5
    cotangent = draw.tensor(*x.shape)
    got = learner.run(probe_batchnorm_eval, weight, bias, mean, var, x, cotangent,
                      label="BatchNorm1d in eval mode")
    want = as_data(probe_batchnorm_eval(TORCH_BN, weight, bias, mean, var, x, cotangent))
    expect(part(got, "output"), want["output"], name="BatchNorm1d(x) in eval mode",
           advice="In eval mode normalise with running_mean and running_var: "
                  "(x - running_mean) / sqrt(running_var + eps) * weight + bias. The batch's "
                  "own statistics are for training only.", **NORM_TOL)
    expect(part(got, "row 0 alone"), want["row 0 alone"],
           name="BatchNorm1d(x[:1]) in eval mode (row 0 alone)",
           advice="In eval mode a row's output must not depend on the rest of the batch: use "
                  "the running statistics, not the batch's.", **NORM_TOL)
    expect(part(got, "gradients"), want["gradients"],
           name="the gradients of BatchNorm1d in eval mode",
           advice="Gradients must reach x, weight and bias in eval mode too.", **NORM_TOL)


# ----------------------------------------------------------------------------- LayerNorm


def probe_layer_norm(m, x, weight, bias, cotangent):
    import torch

    inputs = [t.clone().requires_grad_(True) for t in (x, weight, bias)]
    out = m.layer_norm(*inputs)
    if not isinstance(out, torch.Tensor):
        return {"output": out, "gradients": None}
    grads = None
    if out.requires_grad and out.shape == cotangent.shape:
        grads = dict(zip(("x", "weight", "bias"), torch.autograd.grad(
            out, inputs, cotangent, allow_unused=True), strict=True))
    return {"output": out.detach(), "gradients": grads}


def torch_layer_norm(x, weight, bias, eps=1e-5):
    return F.layer_norm(x, x.shape[-1:], weight, bias, eps)


@check(points=2, concept="LayerNorm normalises each sample over its features", hints=[
    "Which dimension do the mean and variance run over? Only the last one.",
    "LayerNorm standardises every vector x[n, t, :] with its own mean and biased variance, "
    "so no statistic crosses samples or positions (that is BatchNorm's way). torch.var is "
    "unbiased unless told otherwise.",
    "mean = x.mean(-1, keepdim=True); var = x.var(-1, unbiased=False, keepdim=True)",
], docs=DOCS + "generated/torch.nn.LayerNorm.html")
def layer_norm_over_features(learner, ref, draw):
    (n, t), d = draw.distinct_shape(2, lo=2, hi=5), draw.integer(6, 8)
    x = draw.tensor(n, t, d) * 2 + 1
    weight, bias = affine(draw, d)
    cotangent = draw.tensor(n, t, d)
    got = learner.run(probe_layer_norm, x, weight, bias, cotangent,
                      label="layer_norm(x, weight, bias)")
    want = as_data(probe_layer_norm(pytorch(layer_norm=torch_layer_norm), x, weight, bias,
                                    cotangent))
    label = f"layer_norm(x, weight, bias) on a {n}x{t}x{d} batch"
    expect(part(got, "output"), want["output"], name=label,
           advice="Normalise over the last dimension only (dim=-1, keepdim=True), with the "
                  "biased variance (unbiased=False), then multiply by weight and add bias.",
           **NORM_TOL)
    expect(part(got, "gradients"), want["gradients"], name=f"the gradients of {label}",
           advice="Gradients must reach x, weight and bias: compute the statistics from x "
                  "inside the graph.", **NORM_TOL)


# ----------------------------------------------------------------------------- initialisation


def probe_init(m, name, sizes, seed):
    import torch
    from torch import nn

    activation = nn.ReLU if name == "init_relu_mlp" else nn.Tanh
    layers = []
    for fan_in, fan_out in zip(sizes, sizes[1:], strict=False):
        layers += [nn.Linear(fan_in, fan_out), activation()]
    model = nn.Sequential(*layers[:-1])
    with torch.no_grad():  # a start no initialisation keeps: an init that does nothing fails
        for param in model.parameters():
            param.fill_(0.5)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        getattr(m, name)(model)
    linears = [layer for layer in model.modules() if isinstance(layer, nn.Linear)]
    return {"weights": [layer.weight.detach().clone() for layer in linears],
            "biases": [layer.bias.detach().clone() for layer in linears]}


def init_sizes(draw) -> list[int]:
    """Layer sizes whose fan-in and fan-out differ by a factor of four."""
    first = draw.choice([192, 256, 320])
    return [first, first // 4, first // 16]


def init_reply(learner, name: str, sizes: list[int], seed: int) -> list[TensorData]:
    layers = [torch.zeros(b, a) for a, b in zip(sizes, sizes[1:], strict=False)]
    got = learner.run(probe_init, name, sizes, seed, label=f"{name}(model)")
    example = {"weights": layers, "biases": [torch.zeros(len(w)) for w in layers]}
    weights, biases = part(got, "weights"), part(got, "biases")
    if not isinstance(weights, list) or len(weights) != len(layers):
        expect(got, as_data(example))
    expect(biases, as_data(example["biases"]), name=f"the biases after {name}",
           advice="Set every bias to zero: nn.init.zeros_(layer.bias).")
    return [tensor_like(w, layer, f"the weights after {name}") for w, layer in
            zip(weights, layers, strict=True)]


def std_report(std: float, target: float, fan_in: int, fan_out: int,
               formula: str) -> str | Lesson:
    """Which fan the learner's spread matches, so the advice follows the mistake."""
    if abs(std / target - math.sqrt(fan_in / fan_out)) < 0.15:
        return "That is the spread for fan_out: nn.Linear stores its weight as (out_features, " \
               "in_features), so fan_in is weight.shape[1] (mode='fan_in')."
    if std == 0:
        return Lesson("random initialisation breaks symmetry", "Every weight is the same: "
                      "units that start alike stay alike. Draw them at random.")
    return f"Use {formula}."


@check(points=2, concept="Kaiming initialisation uses fan_in", hints=[
    "Compare the standard deviation of each layer's weights with sqrt(2 / in_features).",
    "Kaiming (He) initialisation for ReLU keeps the variance of activations steady from layer "
    "to layer when std = sqrt(2 / fan_in). For nn.Linear the weight is (out_features, "
    "in_features): fan_in is in_features, weight.shape[1].",
    "nn.init.kaiming_normal_(layer.weight, mode='fan_in', nonlinearity='relu'); "
    "nn.init.zeros_(layer.bias)",
], docs=DOCS + "nn.init.html")
def kaiming_fan_in(learner, ref, draw):
    sizes, seed = init_sizes(draw), draw.seed_value()
    weights = init_reply(learner, "init_relu_mlp", sizes, seed)
    for w, fan_in, fan_out in zip(weights, sizes, sizes[1:], strict=False):
        values = w.values.double()
        target, n = math.sqrt(2 / fan_in), values.numel()
        std, mean = float(values.std()), float(values.mean())
        layer = f"Linear({fan_in}, {fan_out})'s weights"
        expect_true(abs(std / target - 1) <= SIGMAS / math.sqrt(2 * n),
                    f"have standard deviation {std:.4f}; Kaiming normal for ReLU in fan-in mode "
                    f"gives sqrt(2 / {fan_in}) = {target:.4f}.",
                    std_report(std, target, fan_in, fan_out, "std = sqrt(2 / fan_in)"),
                    name=layer)
        expect_true(abs(mean) <= SIGMAS * target / math.sqrt(n),
                    f"have mean {mean:.4f}; expected about 0.", "Draw from a normal "
                    "distribution centred on 0.", name=layer)
        if n >= 4000:  # enough values to tell a normal draw from a uniform one (which has none)
            tails = float((values.abs() > 2 * target).double().mean())
            slack = SIGMAS * math.sqrt(NORMAL_TAILS * (1 - NORMAL_TAILS) / n)  # 0.02 at 4000
            expect_true(abs(tails - NORMAL_TAILS) <= slack,
                        f"lie beyond two standard deviations {tails:.1%} of the time; a normal "
                        "distribution puts 4.6% there.", "Kaiming normal draws from a normal "
                        "distribution (torch.nn.init.kaiming_normal_ or normal_), not a "
                        "uniform one.", name=layer)


@check(points=1, concept="Xavier initialisation uses fan_in and fan_out", hints=[
    "Compare the largest weight of each layer with gain * sqrt(6 / (fan_in + fan_out)).",
    "Xavier (Glorot) uniform draws from [-a, a] with a = gain * sqrt(6 / (fan_in + fan_out)); "
    "for tanh the gain is 5/3 (nn.init.calculate_gain('tanh')).",
    "nn.init.xavier_uniform_(layer.weight, gain=nn.init.calculate_gain('tanh'))",
], docs=DOCS + "nn.init.html")
def xavier_uniform_tanh(learner, ref, draw):
    sizes, seed = init_sizes(draw), draw.seed_value()
    weights = init_reply(learner, "init_tanh_mlp", sizes, seed)
    for w, fan_in, fan_out in zip(weights, sizes, sizes[1:], strict=False):
        values = w.values.double()
        bound = 5 / 3 * math.sqrt(6 / (fan_in + fan_out))
        n, std, top = values.numel(), float(values.std()), float(values.abs().max())
        layer = f"Linear({fan_in}, {fan_out})'s weights"
        expect_true(top <= bound * (1 + 1e-6), f"reach {top:.4f}, beyond the bound "
                    f"a = 5/3 * sqrt(6 / ({fan_in} + {fan_out})) = {bound:.4f}.",
                    "Xavier uniform draws from [-a, a]: uniform, not normal, with the tanh "
                    "gain 5/3.", name=layer)
        target = bound / math.sqrt(3)
        expect_true(abs(std / target - 1) <= SIGMAS / math.sqrt(1.8 * n),
                    f"have standard deviation {std:.4f}; Xavier uniform with the tanh gain gives "
                    f"a / sqrt(3) = {target:.4f}.", "Use a = gain * sqrt(6 / "
                    "(fan_in + fan_out)) with gain = 5/3: both fans, and the gain.", name=layer)


def probe_symmetry(m, x, y, hidden, seed, steps, lr):
    import torch
    from torch import nn

    model = nn.Sequential(nn.Linear(x.shape[1], hidden), nn.ReLU(),
                          nn.Linear(hidden, int(y.max()) + 1))
    with torch.no_grad():
        for param in model.parameters():
            param.fill_(0.5)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        m.init_relu_mlp(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    optimizer.zero_grad()
    nn.functional.cross_entropy(model(x), y).backward()
    return model[0].weight.grad


@check(points=2, concept="random initialisation breaks symmetry", hints=[
    "After a few training steps, compare the gradients of two hidden units.",
    "Hidden units that start with the same weights (all zero, or one constant) compute the "
    "same output and get the same gradient at every step, so they stay copies of each other "
    "forever. Random initial weights make them differ.",
    "nn.init.kaiming_normal_(layer.weight, nonlinearity='relu') for every Linear layer, "
    "hidden ones included",
], docs=DOCS + "nn.init.html")
def init_breaks_symmetry(learner, ref, draw):
    n, d, hidden = 32, draw.integer(4, 7), draw.integer(6, 9)
    x, y = draw.tensor(n, d), draw.integers(n, lo=0, hi=2)
    y[:3] = torch.arange(3)
    label = f"init_relu_mlp, then 3 SGD steps of a Linear({d}, {hidden})-ReLU-Linear model"
    got = learner.run(probe_symmetry, x, y, hidden, draw.seed_value(), 3, 0.1, label=label)
    grad = tensor_like(got, torch.zeros(hidden, d), f"the hidden layer's gradient after {label}",
                       advice="The hidden layer received no gradient.")
    rows = grad.values
    distinct = len({tuple(row.tolist()) for row in rows})
    expect_true(distinct == hidden, f"after {label}: its {hidden} hidden units have only "
                f"{distinct} distinct gradients, the others are identical copies (rows of "
                "weight.grad).", "Units that start alike stay alike: initialise every "
                "weight at random (Kaiming normal), never with zeros or one constant.",
                prop="grad", name="the hidden layer's weight gradient")


# ----------------------------------------------------------------------------- flatten size


def probe_convnet(m, size, state, x):
    import torch
    from torch import nn

    model = m.SmallConvNet(*size)
    if any(isinstance(p, nn.parameter.UninitializedParameter) for p in model.parameters()):
        with torch.no_grad():  # lazy layers take their sizes from a first batch
            model(torch.zeros(1, *size[:3]))
    shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    if shapes != {k: tuple(v.shape) for k, v in state.items()}:
        return {"state_dict shapes": shapes, "logits": None}
    model.load_state_dict(state)
    return {"state_dict shapes": shapes, "logits": model(x)}


def convnet_state(draw, size: tuple[int, ...]) -> dict[str, torch.Tensor]:
    channels, height, width, classes = size
    flat = 8 * (height // 2) * (width // 2)
    return {"features.0.weight": draw.tensor(8, channels, 3, 3) / 3,
            "features.0.bias": draw.tensor(8) / 10,
            "classifier.weight": draw.tensor(classes, flat) / flat**0.5,
            "classifier.bias": draw.tensor(classes) / 10}


@check(points=2, concept="a flatten size derived from the input", hints=[
    "Build the network for a 28x28 image and for a 13x17 one: do both work?",
    "The classifier's in_features is the number of values the feature extractor produces per "
    "image, 8 * (height // 2) * (width // 2) here. Compute it from the sizes you are given, "
    "or run a zero batch through self.features in __init__, or use nn.LazyLinear. Flatten "
    "with start_dim=1 so the batch dimension stays.",
    "flat = self.features(torch.zeros(1, in_channels, height, width)).numel(); "
    "... torch.flatten(self.features(x), start_dim=1)",
], docs=[DOCS + "generated/torch.nn.Flatten.html", DOCS + "generated/torch.nn.LazyLinear.html"],
   errors={
    # The classifier's matmul is where a wrong flatten size shows; the lesson is the flatten.
    "matrix multiplication shapes": "The classifier got another number of features than it "
                                    "was built for: derive in_features from the input size "
                                    "(height, width, or a zero batch, or nn.LazyLinear), and "
                                    "flatten with start_dim=1 so the batch axis stays.",
})
def flatten_size_from_input(learner, ref, draw):
    odd = (draw.integer(3, 4), draw.choice([9, 11, 13]), draw.choice([14, 15, 17]),
           draw.integer(2, 5))
    for size in ((1, 28, 28, 10), odd):
        state = convnet_state(draw, size)
        for n in (draw.integer(2, 4), 1):
            x = draw.tensor(n, *size[:3])
            got, want = learner.run(probe_convnet, size, state, x,
                                    label=f"SmallConvNet{size} on a batch of {n}"), \
                ref.run(probe_convnet, size, state, x)
            expect(got, want, advice={
                "['state_dict shapes']": "The classifier's input size must follow the image "
                                         "size: derive it from height and width (or from a "
                                         "zero batch through self.features), never a number "
                                         "worked out for one size.",
                "['logits']": "Flatten each image's features into one row, keeping the batch "
                              "dimension (torch.flatten(f, start_dim=1) or f.reshape(len(f), "
                              "-1)), then apply the classifier.",
            })


# ----------------------------------------------------------------------------- embeddings


def sequences(draw, vocab: int, padding_idx: int) -> list[list[int]]:
    tokens = [t for t in range(vocab) if t != padding_idx]
    lengths = [draw.integer(1, 3), draw.integer(5, 6), draw.integer(1, 4), draw.integer(2, 4)]
    return [[draw.choice(tokens) for _ in range(length)] for length in lengths]


@check(points=1, concept="embedding indices are int64", hints=[
    "Which dtype does nn.Embedding want for its indices?",
    "torch.Tensor(rows) and torch.FloatTensor make float32 tensors, which nn.Embedding "
    "refuses; indices are whole numbers in a torch.long (int64) tensor. Pad every row to the "
    "longest first.",
    "torch.tensor([s + [padding_idx] * (longest - len(s)) for s in sequences], "
    "dtype=torch.long)",
], docs=DOCS + "generated/torch.nn.Embedding.html")
def padded_indices_int64(learner, ref, draw):
    padding_idx = draw.choice([0, 1])
    seqs = sequences(draw, 12, padding_idx)
    expect(*both(learner, ref, "pad_batch", seqs, padding_idx), advice={
        "dtype": "Embedding indices must be int64 (torch.long): pass dtype=torch.long, and do "
                 "not build them with torch.Tensor(...), which makes float32.",
        "shape": "One row per sequence, as long as the longest one: pad at the end.",
        "values": "Pad each row at the end with padding_idx, keeping the tokens in order.",
    })


def probe_bag(m, sizes, state, tokens, cotangent, view):
    import torch

    vocab, dim, classes, padding_idx = sizes
    model = m.BagOfEmbeddings(vocab, dim, classes, padding_idx)
    created = model.embedding.weight[padding_idx].detach().clone()
    model.load_state_dict(state)
    logits = model(tokens)
    if view == "logits" or not isinstance(logits, torch.Tensor):
        return {"logits": logits.detach() if isinstance(logits, torch.Tensor) else logits}
    gradient = None
    if logits.requires_grad and logits.shape == cotangent.shape:
        logits.backward(cotangent)
        gradient = model.embedding.weight.grad
    return {"logits": logits.detach(), "padding row when created": created,
            "embedding gradient": gradient}


def bag_problem(draw) -> tuple:
    vocab, dim, classes, padding_idx = 12, draw.integer(3, 5), draw.integer(2, 4), 0
    rows = sequences(draw, vocab, padding_idx)
    longest = max(len(r) for r in rows)
    tokens = torch.tensor([r + [padding_idx] * (longest - len(r)) for r in rows])
    weight = draw.tensor(vocab, dim)
    weight[padding_idx] = 0  # what padding_idx gives at creation and keeps in training
    state = {"embedding.weight": weight, "classifier.weight": draw.tensor(classes, dim),
             "classifier.bias": draw.tensor(classes)}
    return (vocab, dim, classes, padding_idx), state, tokens, draw.tensor(len(rows), classes)


@check(points=2, concept="padding_idx: the padding row gets no gradient", hints=[
    "After backward(), look at the embedding gradient of the padding token's row.",
    "nn.Embedding(..., padding_idx=p) starts row p at zero and never sends it a gradient, "
    "so padding never trains and never moves a sequence's embedding.",
    "self.embedding = nn.Embedding(vocab_size, dim, padding_idx=padding_idx)",
], docs=DOCS + "generated/torch.nn.Embedding.html")
def embedding_padding_idx(learner, ref, draw):
    sizes, state, tokens, cotangent = bag_problem(draw)
    got = learner.run(probe_bag, sizes, state, tokens, cotangent, "padding",
                      label=f"BagOfEmbeddings{sizes}, forward and backward")
    want = ref.run(probe_bag, sizes, state, tokens, cotangent, "padding")
    expect(got, want, advice={
        "['padding row when created']": "The padding row must start at zero: create the "
                                        "embedding with padding_idx=padding_idx.",
        "['embedding gradient']": "The padding row received a gradient (or the others got "
                                  "the wrong one): create nn.Embedding with "
                                  "padding_idx=padding_idx, and average only the real tokens.",
        "['logits']": "The logits are wrong, so the gradient cannot be right either: average "
                      "the embeddings of the real tokens, then apply the classifier.",
    })


@check(points=2, concept="averaging embeddings without the padding", hints=[
    "A row [5, 7, pad, pad] holds two tokens: its mean has two terms.",
    "Mask out the padding tokens, sum the embeddings that remain and divide by the number of "
    "real tokens in each row (nn.EmbeddingBag(mode='mean', padding_idx=...) does the same).",
    "real = (tokens != pad).unsqueeze(-1).float(); "
    "mean = (self.embedding(tokens) * real).sum(1) / real.sum(1)",
], docs=[DOCS + "generated/torch.nn.Embedding.html", DOCS + "generated/torch.nn.EmbeddingBag.html"])
def bag_of_embeddings_forward(learner, ref, draw):
    sizes, state, tokens, cotangent = bag_problem(draw)
    got = learner.run(probe_bag, sizes, state, tokens, cotangent, "logits",
                      label=f"BagOfEmbeddings{sizes}(tokens)")
    want = ref.run(probe_bag, sizes, state, tokens, cotangent, "logits")
    expect(part(got, "logits"), want["logits"], name=f"BagOfEmbeddings{sizes}(tokens)", advice={
        "values": "Average over the real tokens only: divide the sum of their embeddings by "
                  "their number, not by the padded length.",
        "shape": "Return one row of logits per sequence: average over the token dimension "
                 "(dim=1).",
    })


# ----------------------------------------------------------------------------- weight decay


def probe_weight_decay(m, state, x, y, lr, weight_decay, steps):
    import torch
    from torch import nn

    model = nn.Linear(x.shape[1], y.shape[1])
    model.load_state_dict(state)
    penalty = m.l2_penalty(model, weight_decay)
    if isinstance(penalty, torch.Tensor):
        penalty = penalty.clone()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y) + m.l2_penalty(model, weight_decay)
        loss.backward()
        optimizer.step()
    return {"penalty": penalty, "parameters after training": dict(model.state_dict())}


def sgd_weight_decay(state, x, y, lr: float, weight_decay: float, steps: int) -> dict:
    """The reference: SGD with weight_decay on the plain loss, here, as torch.optim.SGD's
    documented update has it (no momentum): g = grad + weight_decay * p; p = p - lr * g.
    Written out rather than called, so the grading process never imports the optimizer's
    compiler (torch._dynamo, seconds to load)."""
    params = {k: v.detach().clone().requires_grad_(True) for k, v in state.items()}
    for _ in range(steps):
        loss = nn.functional.mse_loss(F.linear(x, params["weight"], params["bias"]), y)
        grads = torch.autograd.grad(loss, list(params.values()))
        with torch.no_grad():
            for p, g in zip(params.values(), grads, strict=True):
                p -= lr * (g + weight_decay * p)
    penalty = weight_decay / 2 * sum(float(v.double().pow(2).sum()) for v in state.values())
    return {"penalty": torch.tensor(penalty, dtype=torch.float32, requires_grad=True),
            "parameters after training": {k: v.detach() for k, v in params.items()}}


@check(points=2, concept="weight decay shrinks the parameters", hints=[
    "Train with your penalty and plain SGD, and with SGD(weight_decay=...) and no penalty: "
    "the parameters must end up the same.",
    "The gradient of (wd / 2) * p**2 is wd * p, the term SGD's weight_decay adds; without the "
    "1/2 the shrinkage doubles. The penalty must stay in the graph (no .item(), .data or "
    "detach()), or it shrinks nothing.",
    "return weight_decay / 2 * sum(p.pow(2).sum() for p in model.parameters())",
], docs=DOCS + "generated/torch.optim.SGD.html")
def weight_decay_shrinkage(learner, ref, draw):
    d, c, n = draw.integer(3, 5), draw.integer(2, 3), draw.integer(6, 10)
    state = {"weight": draw.tensor(c, d), "bias": draw.tensor(c)}
    x, y = draw.tensor(n, d), draw.tensor(n, c)
    lr, weight_decay, steps = 0.1, draw.choice([0.05, 0.1, 0.2]), 4
    got = learner.run(probe_weight_decay, state, x, y, lr, weight_decay, steps,
                      label=f"{steps} SGD steps on mse_loss + l2_penalty(model, "
                            f"{weight_decay})")
    want = as_data(sgd_weight_decay(state, x, y, lr, weight_decay, steps))
    expect(part(got, "penalty"), want["penalty"], name=f"l2_penalty(model, {weight_decay})",
           rtol=1e-5, atol=1e-6, advice={
               "values": "The penalty is (weight_decay / 2) times the sum of the squares of "
                         "every parameter, a 0-d tensor that stays in the autograd graph.",
               "requires_grad": "The penalty is a tensor that stays in the autograd graph, or "
                                "its gradient shrinks nothing: compute it from the parameters "
                                "themselves (p.pow(2).sum()), not from p.data or p.detach().",
           })
    expect(part(got, "parameters after training"), want["parameters after training"],
           name=f"the parameters after {steps} SGD steps on mse_loss + l2_penalty, against "
                "SGD(weight_decay)", rtol=1e-5, atol=1e-6,
           advice="The parameters did not shrink as SGD(weight_decay=...) shrinks them: the "
                  "penalty's gradient must be weight_decay * p for every parameter (mind the "
                  "1/2, and keep it in the graph).")
