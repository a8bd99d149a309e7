"""Checks for `autograd`: autograd.grad and backward(), retain_graph, leaves, zeroing and
accumulation, no_grad/detach/inference_mode, manual SGD, second derivatives.

Every gradient is compared with the reference and with a float64 finite-difference estimate
computed here, in the grading process, from the task's formula: the learner's sandbox is never
trusted to say what the right gradient is.
"""

from collections.abc import Callable

import torch

from torchdojo.checks import (
    Lesson,
    TensorData,
    as_data,
    both,
    check,
    expect,
    expect_inputs_kept,
)

MANUAL = "https://docs.pytorch.org/docs/stable/"  # the PyTorch manual
PAGES = MANUAL + "generated/"  # one page per function or class
TUTORIALS = "https://docs.pytorch.org/tutorials/"

ORACLE_TOLERANCE = {"rtol": 1e-4, "atol": 1e-6}


# ----------------------------------------------------------------------------- inputs


def problem(draw, n: int | None = None, d: int | None = None) -> tuple[torch.Tensor, ...]:
    """A logistic-regression problem: x (N, D), leaf w (D,) and b (1,), targets y (N,)."""
    n = n or draw.integer(3, 8)
    d = d or draw.integer(2, 5)
    x = draw.tensor(n, d)
    w = draw.tensor(d).requires_grad_(True)
    b = draw.tensor(1).requires_grad_(True)
    y = draw.integers(n, lo=0, hi=1).float()
    return x, w, b, y


def intro_problem() -> tuple[torch.Tensor, ...]:
    """The example of the PyTorch introduction: x1 = 1.1, w1 = 2.2, b = 0, y = 1."""
    return (torch.tensor([[1.1]]), torch.tensor([2.2], requires_grad=True),
            torch.tensor([0.0], requires_grad=True), torch.tensor([1.0]))


def batches_of(draw, sizes: list[int], d: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(draw.tensor(n, d), draw.integers(n, lo=0, hi=1).float()) for n in sizes]


# ----------------------------------------------------------------------------- the oracle


def loss64(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The task's loss written out in float64: mean binary cross-entropy of sigmoid(x @ w + b)."""
    return bce64(x @ w + b, y)


def bce64(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    p = torch.sigmoid(z)
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()


def float64(*tensors: torch.Tensor) -> list[torch.Tensor]:
    return [t.detach().double().clone() for t in tensors]


def numeric_grad(fn: Callable[..., torch.Tensor], args: list[torch.Tensor], index: int,
                 h: float = 1e-6) -> torch.Tensor:
    """Central finite differences of the scalar ``fn(*args)`` with respect to ``args[index]``."""
    args = float64(*args)
    flat = args[index].view(-1)
    grad = torch.zeros_like(flat)
    for i in range(flat.numel()):
        kept = flat[i].item()
        flat[i] = kept + h
        up = fn(*args).item()
        flat[i] = kept - h
        down = fn(*args).item()
        flat[i] = kept
        grad[i] = (up - down) / (2 * h)
    return grad.view_as(args[index])


def as_float32(value: object) -> object:
    if isinstance(value, torch.Tensor):
        return value.float()
    if isinstance(value, (list, tuple)):
        return type(value)(as_float32(v) for v in value)
    return value


def expect_oracle(got: object, oracle: object, what: str, reference: object) -> None:
    """Compare a learner's float32 gradients with float64 estimates, at float32 accuracy.

    The bar is never tighter than twice the reference's own distance from the estimate: where
    the task's float32 formula cannot reach the float64 value (a second derivative keeps less
    accuracy; a sigmoid that rounds to 1.0 in float32 gives its sample no gradient at all,
    from seeds CI and ``dev seeds`` drew), a correct solution is judged by the comparison with
    the reference alone.
    """
    want = as_data(as_float32(oracle))
    rtol, atol = _reach(reference, want)
    expect(got, want, name=f"{what} (against a float64 finite-difference estimate)",
           advice="The value disagrees with a numerical derivative of the task's formula: "
                  "check which tensor you differentiate and with respect to what.",
           rtol=max(ORACLE_TOLERANCE["rtol"], 2 * rtol),
           atol=max(ORACLE_TOLERANCE["atol"], 2 * atol))


def _reach(reference: object, want: object) -> tuple[float, float]:
    """How far ``reference`` is from ``want``: the rtol it needs where ``want`` is not zero
    (beyond the oracle's atol), and the atol it needs where it is."""
    ref, est = _numbers(reference), _numbers(want)
    if ref.shape != est.shape or not len(est):
        return 0.0, 0.0  # the comparison with the reference fails first
    off, zero = (ref - est).abs(), est == 0
    beyond = (off - ORACLE_TOLERANCE["atol"]).clamp(min=0)[~zero] / est.abs()[~zero]
    return (beyond.max().item() if len(beyond) else 0.0,
            off[zero].max().item() if zero.any() else 0.0)


def _numbers(value: object) -> torch.Tensor:
    """Every number in a value (tensors, their data, floats, nested lists) as one vector."""
    if isinstance(value, TensorData):
        value = value.values
    if isinstance(value, torch.Tensor):
        return value.detach().double().reshape(-1)
    if isinstance(value, (list, tuple)):
        parts = [_numbers(v) for v in value]
        return torch.cat(parts) if parts else torch.zeros(0, dtype=torch.float64)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return torch.tensor([float(value)], dtype=torch.float64)
    return torch.zeros(0, dtype=torch.float64)


def oracle_grads(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor,
                 y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return numeric_grad(loss64, [x, w, b, y], 1), numeric_grad(loss64, [x, w, b, y], 2)


RETURNS_GRADIENTS = Lesson(
    "torch.autograd.grad returns gradients",
    "torch.autograd.grad returns the gradients and does not fill w.grad, which stays None: "
    "return what it returns.")


def after_grads(reply: object) -> tuple[object, object]:
    """The .grad of w and b among the arguments after a call (already checked against the
    reference, so they are tensors)."""
    return reply.after[1].grad, reply.after[2].grad


# ----------------------------------------------------------------------------- checks


@check(points=1, concept="building the autograd graph", hints=[
    "A loss you want to differentiate must remember how it was computed.",
    "Operations on tensors that require grad record a graph (grad_fn). Inside torch.no_grad(), "
    "or after .item()/.detach(), nothing is recorded and backward() has nothing to follow.",
    "z = x @ w + b; return F.binary_cross_entropy(torch.sigmoid(z), y)",
], docs=MANUAL + "notes/autograd.html")
def loss_builds_graph(learner, ref, draw):
    for x, w, b, y in (intro_problem(), problem(draw)):
        expect(*both(learner, ref, "logistic_loss", x, w, b, y), advice={
            "requires_grad": "The loss does not require grad, so no graph was recorded: compute "
                             "it outside torch.no_grad() and without .detach().",
            "type": "Return the loss tensor itself (0-d), not .item() or a list.",
        })


@check(points=2, concept="the introduction's logistic-regression gradients", hints=[
    "Use the introduction's example: x1 = 1.1, w1 = 2.2, b = 0, y = 1.",
    "torch.autograd.grad(loss, [w, b]) returns the gradients; loss.backward() stores them in "
    "w.grad and b.grad. Both must give dL/dw1 = -0.0898 and dL/db = -0.0817.",
    "grad_w, grad_b = torch.autograd.grad(loss, [w, b])  and  loss.backward()",
], docs=TUTORIALS + "beginner/basics/autogradqs_tutorial.html")
def intro_example(learner, ref, draw):
    x, w, b, y = intro_problem()
    printed = as_data((torch.tensor([-0.0898]), torch.tensor([-0.0817])))
    expect(learner.grads_with_autograd_grad(x, w, b, y), printed, atol=5e-5, rtol=0,
           advice={"values": "The introduction prints dL/dw1 = -0.0898 and dL/db = -0.0817.",
                   "type": RETURNS_GRADIENTS})
    got, want = both(learner, ref, "grads_with_backward", x, w, b, y, after=True)
    expect_inputs_kept(got, want, advice="After backward(), w.grad and b.grad hold the "
                       "gradients; the values of w and b do not change.")
    expect(list(after_grads(got)), list(printed), name="w.grad and b.grad", atol=5e-5, rtol=0)


@check(points=2, concept="torch.autograd.grad returns gradients", hints=[
    "There are two ways to get gradients: one returns them, one stores them on the leaves.",
    "torch.autograd.grad(loss, [w, b]) returns a tuple and leaves w.grad and b.grad alone "
    "(still None); loss.backward() fills .grad and returns None.",
    "grad_w, grad_b = torch.autograd.grad(loss, [w, b]); return grad_w, grad_b",
], docs=PAGES + "torch.autograd.grad.html")
def autograd_grad_values(learner, ref, draw):
    x, w, b, y = problem(draw)
    got, want = both(learner, ref, "grads_with_autograd_grad", x, w, b, y, after=True)
    expect(got.value, want.value, advice={"type": RETURNS_GRADIENTS})
    expect_inputs_kept(got, want, advice={
        "grad": "w.grad or b.grad was filled: that is what backward() does. "
                "torch.autograd.grad returns the gradients instead.",
    })
    grad_w, grad_b = oracle_grads(x, w, b, y)
    expect_oracle(got.value, (grad_w, grad_b), "(dL/dw, dL/db)", want.value)


@check(points=2, concept="backward() fills .grad", hints=[
    "After backward() the gradient of each leaf waits in its .grad attribute.",
    "loss.backward() returns None; read w.grad and b.grad afterwards. Return loss.item() for "
    "the value.",
    "loss = logistic_loss(x, w, b, y); loss.backward(); return loss.item()",
], docs=PAGES + "torch.Tensor.backward.html")
def backward_fills_grad(learner, ref, draw):
    x, w, b, y = problem(draw)
    got, want = both(learner, ref, "grads_with_backward", x, w, b, y, after=True)
    expect(got.value, want.value, rtol=1e-5, atol=1e-6, advice={
        "type": "Return the loss as a Python float: loss.item().",
    })
    expect_inputs_kept(got, want, advice={
        "grad": "After the call w.grad and b.grad must hold the gradients: call "
                "loss.backward() on the scalar loss.",
    })
    grad_w, grad_b = oracle_grads(x, w, b, y)
    expect_oracle(list(after_grads(got)), [grad_w, grad_b], "w.grad and b.grad",
                  list(after_grads(want)))


@check(points=2, concept="retain_graph for a second backward pass", hints=[
    "Both gradients come from one forward pass through the same graph.",
    "The first torch.autograd.grad (or backward) frees the values the graph saved; a second "
    "pass through the same graph then fails unless the first one kept them.",
    "torch.autograd.grad(loss, w, retain_graph=True), then torch.autograd.grad(a.mean(), w)",
], docs=PAGES + "torch.autograd.backward.html")
def retain_graph_second_pass(learner, ref, draw):
    x, w, b, y = problem(draw)
    got, want = both(learner, ref, "two_grads_one_graph", x, w, b, y)
    expect(got, want)

    def mean_probability(x, w, b, y):
        return torch.sigmoid(x @ w + b).mean()

    expect_oracle(got, (numeric_grad(loss64, [x, w, b, y], 1),
                        numeric_grad(mean_probability, [x, w, b, y], 1)), "(dL/dw, dP/dw)",
                  want)


@check(points=1, concept="leaf and non-leaf tensors (retain_grad)", hints=[
    "Autograd only keeps .grad for leaf tensors, the ones you created.",
    "z = x @ w + b is computed, so it is not a leaf: z.grad stays None (with a warning) "
    "unless you call z.retain_grad() before backward().",
    "z = x @ w + b; z.retain_grad(); ...; loss.backward(); return {'w': w.grad, 'z': z.grad}",
], docs=[PAGES + "torch.Tensor.retain_grad.html", PAGES + "torch.Tensor.is_leaf.html"])
def retain_grad_non_leaf(learner, ref, draw):
    x, w, b, y = problem(draw)
    got, want = both(learner, ref, "hidden_grads", x, w, b, y)
    expect(got, want, advice={
        "['z']": "z is not a leaf, so z.grad is None unless you call z.retain_grad() before "
                 "backward().",
    })
    z = (x @ w + b).detach()
    expect_oracle(got["z"], numeric_grad(bce64, [z, y], 0), "dL/dz", want["z"])


@check(points=2, concept="backward() needs a scalar", hints=[
    "The probabilities are a vector, one per sample; backward() wants one number.",
    "backward() without arguments works only on a scalar. Differentiate a.sum(), or pass "
    "gradient=torch.ones_like(a). Differentiate a copy of x that requires grad, not x itself.",
    "inputs = x.detach().clone().requires_grad_(True); torch.sigmoid(inputs @ w + b).sum()"
    ".backward(); return inputs.grad",
], docs=PAGES + "torch.Tensor.backward.html")
def input_gradient(learner, ref, draw):
    x, w, b, _ = problem(draw)
    w, b = w.detach(), b.detach()
    got, want = both(learner, ref, "input_saliency", x, w, b, after=True)
    expect(got.value, want.value)
    expect_inputs_kept(got, want, advice="x was changed: requires_grad_() or .grad on the "
                       "caller's tensor. Differentiate a copy: x.detach().clone()"
                       ".requires_grad_(True).")

    def probability_sum(x, w, b):
        return torch.sigmoid(x @ w + b).sum()

    expect_oracle(got.value, numeric_grad(probability_sum, [x, w, b], 0), "d(a.sum())/dx",
                  want.value)


@check(points=2, concept="gradients accumulate until zeroed", hints=[
    "Compare the gradient you record for the second batch with that batch's gradient alone.",
    "backward() adds into .grad. Clear it between batches (w.grad = None, or w.grad.zero_()), "
    "and record a copy: w.grad.zero_() reuses the same tensor.",
    "for x, y in batches: w.grad = b.grad = None; loss.backward(); grads.append(w.grad.clone())",
], docs=PAGES + "torch.optim.Optimizer.zero_grad.html")
def zeroing_between_batches(learner, ref, draw):
    d = draw.integer(2, 4)
    _, w, b, _ = problem(draw, d=d)
    batches = batches_of(draw, [draw.integer(2, 5) for _ in range(3)], d)
    got, want = both(learner, ref, "grads_per_batch", batches, w, b)
    expect(got, want, advice={
        "values": "The gradient recorded for a later batch includes earlier batches (or all "
                  "entries are the same tensor): zero the gradients between batches and "
                  "record w.grad.clone().",
    })
    oracle = [numeric_grad(loss64, [bx, w, b, by], 1) for bx, by in batches]
    expect_oracle(got, oracle, "the per-batch dL/dw", want)
    stale = (draw.tensor(d), draw.tensor(1))
    expect(*both(learner, ref, probe_per_batch, batches, w, b, *stale),
           name="grads_per_batch when w.grad and b.grad hold gradients on entry",
           advice="A gradient already in w.grad when the call began leaked into the first "
                  "batch's: clear the gradients before every backward(), the first one too.")


def probe_per_batch(m, batches, w, b, stale_w, stale_b):
    """grads_per_batch on leaves that hold gradients of earlier work."""
    w.grad, b.grad = stale_w.clone(), stale_b.clone()
    return m.grads_per_batch(batches, w, b)


def probe_accumulate(m, batches, w, b, stale_w, stale_b):
    """Accumulate from leaves whose .grad holds zeros, then from leaves holding stale
    gradients, so a wrong weighting and a stale gradient show as different findings."""
    import torch

    found = {}
    for entry, stale in (("from zeroed gradients", (torch.zeros_like(stale_w),
                                                     torch.zeros_like(stale_b))),
                         ("from stale gradients", (stale_w, stale_b))):
        w.grad, b.grad = stale[0].clone(), stale[1].clone()
        m.accumulate_grads(batches, w, b)
        found[entry] = [w.grad, b.grad]
    return found


@check(points=2, concept="gradient accumulation", hints=[
    "The result must equal the gradient of one big batch made of all the samples.",
    "Stale gradients must go first (they would be added in). The mean over all samples weights "
    "each batch's mean loss by its share of the samples: batches can differ in size.",
    "w.grad = b.grad = None; for x, y in batches: (loss(x, y) * len(y) / total).backward()",
], docs=PAGES + "torch.Tensor.backward.html")
def gradient_accumulation(learner, ref, draw):
    d = draw.integer(2, 4)
    _, w, b, _ = problem(draw, d=d)
    size = draw.integer(3, 5)
    batches = batches_of(draw, [size, size, draw.integer(1, size - 1)], d)
    stale = (draw.tensor(d), draw.tensor(1))
    got = learner.run(probe_accumulate, batches, w, b, *stale)
    want = ref.run(probe_accumulate, batches, w, b, *stale)
    expect(got, want,
           name="[w.grad, b.grad] after accumulating", advice={
               "['from zeroed gradients']": "Weight each batch's mean loss by len(batch) / total "
                                        "samples: the last batch is smaller, so a plain mean "
                                        "of batch means over-weights it.",
               "['from stale gradients']": Lesson(
                   "gradients accumulate until zeroed",
                   "w.grad and b.grad held stale gradients when the call began, and they were "
                   "added in: clear them first (w.grad = None, or w.grad.zero_())."),
           })
    x_all = torch.cat([bx for bx, _ in batches])
    y_all = torch.cat([by for _, by in batches])
    oracle = list(oracle_grads(x_all, w, b, y_all))
    expect_oracle(got["from zeroed gradients"], oracle, "[w.grad, b.grad]",
                  want["from zeroed gradients"])


def probe_train_new_weights(m, n_in, n_out, seed):
    import torch

    weights = m.new_weights(n_in, n_out, seed)
    optimizer = torch.optim.SGD([weights], lr=0.25)
    (weights * weights).sum().backward()
    optimizer.step()
    return weights.detach()


@check(points=1, concept="parameters must be leaf tensors", hints=[
    "An optimizer only accepts tensors you created, not results of operations on them.",
    "torch.randn(..., requires_grad=True) * 0.01 is computed from a leaf, so it is not a leaf: "
    "torch.optim raises \"can't optimize a non-leaf Tensor\". Scale first, then ask for grad.",
    "(torch.randn(n_in, n_out, generator=g) * 0.01).requires_grad_(True)",
], docs=PAGES + "torch.Tensor.is_leaf.html")
def leaf_parameters(learner, ref, draw):
    n_in, n_out, seed = draw.integer(2, 5), draw.integer(2, 5), draw.seed_value()
    expect(*both(learner, ref, "new_weights", n_in, n_out, seed),
           advice={"values": "Draw with torch.randn(n_in, n_out, generator=g) where "
                             "g = torch.Generator().manual_seed(seed), then scale by 0.01."})
    expect(*both(learner, ref, probe_train_new_weights, n_in, n_out, seed),
           name="the weights after one optimizer step")


@check(points=2, concept="a manual SGD step keeps parameters as leaves", hints=[
    "After the update, w must still be the caller's tensor, a leaf that requires grad.",
    "w = w - lr * w.grad makes a new non-leaf tensor (its .grad stays None next step), and "
    "w -= lr * w.grad outside torch.no_grad() is refused. Update in place inside no_grad, and "
    "clear the gradients every step.",
    "with torch.no_grad(): w -= lr * w.grad; b -= lr * b.grad  (then w.grad = b.grad = None)",
], docs=PAGES + "torch.no_grad.html", errors={
    # A None .grad on the second step is the symptom; rebinding w to a non-leaf is the cause.
    "a .grad that is None": "w = w - lr * w.grad made w a new non-leaf tensor, so the next "
                            "step finds its .grad None: update the caller's leaf in place "
                            "inside torch.no_grad() (w -= lr * w.grad).",
})
def manual_sgd(learner, ref, draw):
    x, w, b, y = problem(draw)
    lr, steps = draw.choice([0.1, 0.5, 1.0]), draw.integer(3, 5)
    got, want = both(learner, ref, "gd_steps", x, w, b, y, lr, steps, after=True)
    expect(got.value, want.value, rtol=1e-4, atol=1e-6, advice={
        "type": "Return a list with one Python float (loss.item()) per step.",
        "values": "The losses differ: are the gradients cleared every step, and is every "
                  "parameter updated by lr * its gradient?",
    })
    expect_inputs_kept(got, want, grad=False, advice="The caller's w and b must hold the "
                       "trained values: update them in place (w -= lr * w.grad inside "
                       "torch.no_grad()), not by rebinding the name w to a new tensor.")
    params = float64(w, b)
    for _ in range(steps):
        params = [p - lr * numeric_grad(loss64, [x, *params, y], i + 1)
                  for i, p in enumerate(params)]
    trained = [got.after[1].values, got.after[2].values]
    expect_oracle(as_data(trained), params, "the trained [w, b]",
                  [want.after[1].values, want.after[2].values])


@check(points=2, concept="no_grad, detach and inference_mode", hints=[
    "The features are a fixed input to the head: they need no graph of their own, yet the "
    "head's backward pass has to read them.",
    "Compute them under torch.no_grad() (or .detach() them). Tensors made under "
    "torch.inference_mode() cannot be saved for backward, so the head's gradient fails.",
    "with torch.no_grad(): features = torch.relu(x @ w_frozen)",
], docs=[PAGES + "torch.Tensor.detach.html", PAGES + "torch.no_grad.html"])
def frozen_features(learner, ref, draw):
    n, d, h = draw.integer(3, 8), draw.integer(2, 4), draw.integer(2, 4)
    x, y = draw.tensor(n, d), draw.integers(n, lo=0, hi=1).float()
    w_frozen, w_head = draw.tensor(d, h).requires_grad_(True), draw.tensor(h).requires_grad_(True)
    got, want = both(learner, ref, "frozen_features_grad", x, w_frozen, w_head, y, after=True)
    expect(got.value, want.value, advice={
        "requires_grad": "Something returned still requires grad: compute the features under "
                         "torch.no_grad() (or detach them), and return the gradient without "
                         "a graph.",
    })
    expect_inputs_kept(got, want, grad=False, advice={
        "requires_grad": "You changed requires_grad of a tensor you were given: "
                         "w_frozen.requires_grad_(False) freezes the caller's weights for good. "
                         "Leave the inputs alone and compute the features under "
                         "torch.no_grad().",
        "values": "Your function changed the values of its inputs: compute new tensors "
                  "instead of modifying x, w_frozen or w_head in place.",
    })
    expect(got.after[1], want.after[1], name="w_frozen after the call", advice={
        "grad": "w_frozen received a gradient: the features were part of the graph. Compute "
                "them under torch.no_grad() or detach them.",
    })
    features = torch.relu(x.double() @ w_frozen.detach().double())
    zero = torch.zeros(1, dtype=torch.float64)
    expect_oracle(got.value[1], numeric_grad(loss64, [features, w_head, zero, y], 1),
                  "dL/dw_head", want.value[1])


@check(points=1, concept="inference without a graph", hints=[
    "Predictions for inference never need gradients.",
    "Outside torch.no_grad() every operation on w and b records a graph, and the result "
    "requires grad.",
    "with torch.no_grad(): return torch.sigmoid(x @ w + b)",
], docs=PAGES + "torch.inference_mode.html")
def inference_without_graph(learner, ref, draw):
    x, w, b, _ = problem(draw)
    expect(*both(learner, ref, "predict_proba", x, w, b), advice={
        "requires_grad": "The probabilities require grad: predict under torch.no_grad() or "
                         "torch.inference_mode().",
    })


@check(points=2, concept="second derivatives need create_graph", hints=[
    "A second derivative differentiates the first derivative, so the first one needs a graph.",
    "torch.autograd.grad(loss, b) returns a gradient with no graph; pass create_graph=True to "
    "record one, then differentiate it again.",
    "(g,) = torch.autograd.grad(loss, b, create_graph=True); "
    "(h,) = torch.autograd.grad(g.sum(), b); return h.item()",
], errors={"the autograd graph": "The first gradient has no graph of its own, so it cannot be "
                                 "differentiated again: pass create_graph=True to the first "
                                 "torch.autograd.grad (or backward)."},
   docs=PAGES + "torch.autograd.grad.html")
def second_derivative(learner, ref, draw):
    x, w, b, y = problem(draw)
    got, want = both(learner, ref, "curvature", x, w, b, y)
    expect(got, want, rtol=1e-4, atol=1e-6, advice={
        "type": "Return d2L/db2 as a Python float (.item()).",
    })
    x64, w64, b64, y64 = float64(x, w, b, y)
    h = 1e-4
    second = ((loss64(x64, w64, b64 + h, y64) - 2 * loss64(x64, w64, b64, y64)
               + loss64(x64, w64, b64 - h, y64)) / h**2).item()
    # In float32 a second derivative of this loss keeps less accuracy than a gradient (the
    # reference's was 6e-4 off from one seed CI drew): expect_oracle allows for it.
    expect_oracle(got, second, "d2L/db2", want)


def probe_snapshot_then_update(m, w):
    import torch

    kept = m.snapshot(w)
    with torch.no_grad():
        w.add_(1.0)
    return kept


@check(points=1, concept="detach() shares memory", hints=[
    "Update the tensor after taking your snapshot: does the snapshot change too?",
    "detach() returns a view of the same memory without the graph; only clone() copies.",
    "return w.detach().clone()",
], docs=PAGES + "torch.Tensor.detach.html")
def detached_copy(learner, ref, draw):
    w = draw.tensor(draw.integer(2, 6)).requires_grad_(True)
    expect(*both(learner, ref, probe_snapshot_then_update, w),
           name="the snapshot after w was updated in place", advice={
               "values": "The snapshot changed when w did: detach() shares w's memory. "
                         "Add .clone().",
               "requires_grad": "A snapshot should not be part of the graph: detach() it."})
    expect(*both(learner, ref, "snapshot", w), storage=True, advice={
        "storage": "detach() shares w's memory: add .clone() for a copy of its own.",
    })
