"""Checks for `indexing`: one value per row, gather over time, keepdim, masked means, masks
built on the input's device, counts and sums with repeated indices, einsum, one_hot, and
where/clamp that keep the autograd graph.

Inputs come first in a shape where the usual mistake still runs (square, or with a size-1
axis), so it shows as wrong values or a wrong shape rather than as an error; a second input of
another shape follows.
"""

import torch

from torchdojo.checks import Lesson, as_data, both, check, expect, expect_inputs_kept

DOCS = "https://docs.pytorch.org/docs/stable"
UNCHANGED = Lesson("never mutate the caller's input", "Your function changed a tensor it was "
                   "given: compute a new tensor instead of writing into the input (no x -= ..., "
                   "no methods ending in _ on it).")


def distinct_lengths(draw, rows: int, steps: int) -> torch.Tensor:
    """Lengths in [1, steps] for ``rows`` sequences, one of them 1 and another ``steps``."""
    lengths = draw.integers(rows, lo=1, hi=steps)
    first = draw.integer(0, rows - 1)
    lengths[first], lengths[(first + 1) % rows] = 1, steps
    return lengths


def nonzero(x: torch.Tensor) -> torch.Tensor:
    """``x`` with exact zeros moved off 0, where a kink's gradient is a matter of convention."""
    return torch.where(x == 0, torch.full_like(x, 0.5), x)


# ----------------------------------------------------------------------------- checks


@check(points=2, concept="one value per row (advanced indexing, gather)", hints=[
    "You need N numbers, one per row, not a grid of every target for every row.",
    "logits[:, targets] takes the columns targets for every row: (N, N). Index rows and "
    "columns together, or gather along dim 1 with an index of shape (N, 1).",
    "logits[torch.arange(len(targets)), targets]  or  "
    "logits.gather(1, targets.unsqueeze(1)).squeeze(1)",
], docs=[f"{DOCS}/generated/torch.gather.html", f"{DOCS}/generated/torch.take_along_dim.html"])
def pick_one_per_row(learner, ref, draw):
    classes = draw.integer(3, 6)
    for rows in (classes, 1, classes + draw.integer(1, 4)):
        logits = draw.tensor(rows, classes)
        targets = draw.integers(rows, lo=0, hi=classes - 1)
        expect(*both(learner, ref, "pick_per_row", logits, targets), advice={
            "shape": "Return one value per row, (N,): logits[:, targets] makes an (N, N) grid "
                     "of every target for every row, and gather(1, index) keeps the index's "
                     "(N, 1) shape until you squeeze(1).",
            "values": "Row n must give logits[n, targets[n]]: pair each row with its own "
                      "target (torch.arange(N) for the rows), and gather along dim 1.",
        })


@check(points=2, concept="gathering one step per sequence", hints=[
    "Padding sits at the end of the shorter sequences; their last real step is not the last "
    "column.",
    "outputs[:, -1] reads padding, and outputs[:, lengths - 1] picks those steps for every "
    "sequence, (B, B, D). Pair each sequence with its own step; lengths count from 1, indices "
    "from 0.",
    "outputs[torch.arange(len(lengths)), lengths - 1]  or  outputs.gather(1, (lengths - 1)"
    ".view(-1, 1, 1).expand(-1, 1, D)).squeeze(1)",
], docs=[f"{DOCS}/generated/torch.gather.html", f"{DOCS}/generated/torch.take_along_dim.html"])
def last_step_per_sequence(learner, ref, draw):
    steps, dim = draw.integer(3, 5), draw.integer(2, 4)
    for batch in (steps, steps + draw.integer(1, 3)):
        outputs = draw.tensor(batch, steps, dim)
        lengths = distinct_lengths(draw, batch, steps)
        expect(*both(learner, ref, "last_valid_step", outputs, lengths), advice={
            "shape": "Return one (D,) row per sequence, (B, D): outputs[:, lengths - 1] picks "
                     "every listed step for every sequence; index with "
                     "(torch.arange(B), lengths - 1).",
            "values": "Row b must be outputs[b, lengths[b] - 1], the last real step: "
                      "outputs[:, -1] is padding for shorter sequences.",
        })


@check(points=1, concept="keepdim for broadcasting", hints=[
    "Try a square input: as many rows as columns. Does each row lose its own mean?",
    "x.mean(dim=1) has shape (N,), and broadcasting lines it up with the last axis, so it "
    "is subtracted across each row, not down it. Keep the reduced axis as size 1.",
    "return x - x.mean(dim=1, keepdim=True)",
], docs=[f"{DOCS}/notes/broadcasting.html", f"{DOCS}/generated/torch.mean.html"])
def keepdim_broadcasts_per_row(learner, ref, draw):
    side = draw.integer(3, 6)
    for shape in ((side, side), draw.distinct_shape(2)):
        x = draw.tensor(*shape)
        got, want = both(learner, ref, "center_rows", x, after=True)
        expect(got.value, want.value, advice={
            "values": "On a square input, x - x.mean(dim=1) subtracts row means along each "
                      "row: mean[j] from column j. x.mean(dim=1, keepdim=True) is (N, 1) and "
                      "broadcasts down the columns.",
        })
        expect_inputs_kept(got, want, advice=UNCHANGED)


@check(points=2, concept="a masked mean counts only the mask", hints=[
    "Padding positions must count for nothing: not in the sum, not in the number you "
    "divide by.",
    "Dividing by T (or .mean(dim=1)) counts the padding; x[mask] flattens every row into one "
    "vector. Sum the kept values per row and divide by each row's count of True.",
    "x.masked_fill(~mask, 0).sum(dim=1) / mask.sum(dim=1)",
], docs=[f"{DOCS}/generated/torch.Tensor.masked_fill_.html", f"{DOCS}/generated/torch.sum.html"])
def masked_mean_by_count(learner, ref, draw):
    side = draw.integer(3, 6)
    for rows, steps in ((side, side), (1, side), (side + 1, side)):
        x = draw.tensor(rows, steps)
        mask = draw.integers(rows, steps, lo=0, hi=1).bool()
        mask[:, 0] = True  # every row keeps a position ...
        mask[-1, -1] = False  # ... and at least one is padding
        expect(*both(learner, ref, "masked_mean", x, mask), advice={
            "values": "Divide each row's masked sum by that row's number of True positions, "
                      "mask.sum(dim=1): dividing by T, or by the count over all rows, is "
                      "another number.",
            "shape": "Return one mean per row, (N,): x[mask] flattens the kept values of "
                     "every row into one vector, so its mean mixes the rows.",
        })


MASK_ADVICE = {
    "values": "Position t of row n must hold `value` exactly when t >= lengths[n]: compare "
              "torch.arange(T) (shape (T,)) with lengths.unsqueeze(1) (shape (N, 1)), so the "
              "comparison broadcasts to (N, T). Without the unsqueeze, a square input compares "
              "step t with lengths[t].",
}


def mask_inputs(draw, rows: int, steps: int) -> tuple[torch.Tensor, torch.Tensor, float]:
    scores = draw.tensor(rows, steps)
    return scores, distinct_lengths(draw, rows, steps), draw.choice([-1e4, -1e9, -100.0])


@check(points=2, concept="boolean masks and masked_fill", hints=[
    "Build a (N, T) bool mask that is True after each row's length, then fill there.",
    "Compare positions torch.arange(T) with lengths.unsqueeze(1): (T,) against (N, 1) "
    "broadcasts to (N, T). Without unsqueeze a square input runs and compares the wrong pairs.",
    "scores.masked_fill(torch.arange(T, device=scores.device) >= lengths.unsqueeze(1), value)",
], docs=[f"{DOCS}/generated/torch.Tensor.masked_fill_.html", f"{DOCS}/notes/broadcasting.html"])
def mask_fills_after_length(learner, ref, draw):
    side = draw.integer(3, 6)
    for rows, steps in ((side, side), draw.distinct_shape(2)):
        args = mask_inputs(draw, rows, steps)
        expect(*both(learner, ref, "mask_after_length", *args), advice=MASK_ADVICE)


@check(points=1, concept="masked_fill out of place", hints=[
    "Look at `scores` after your function returns: is it still what the caller passed?",
    "Methods ending in _ (masked_fill_, clamp_, index_add_) write into the tensor they are "
    "called on. masked_fill without the underscore returns a new tensor.",
    "return scores.masked_fill(mask, value)",
], docs=f"{DOCS}/generated/torch.Tensor.masked_fill_.html")
def mask_leaves_scores_unchanged(learner, ref, draw):
    rows, steps = draw.distinct_shape(2)
    got, want = both(learner, ref, "mask_after_length", *mask_inputs(draw, rows, steps),
                     after=True)
    expect(got.value, want.value, advice=MASK_ADVICE)
    expect_inputs_kept(got, want, advice="scores changed: masked_fill_ (with the underscore) "
                       "fills the caller's tensor in place. Use scores.masked_fill(...), which "
                       "returns a new tensor.")


@check(points=1, concept="masks on the input's device", hints=[
    "The check also runs your function on a second device ('meta', which stands in for a "
    "GPU).",
    "torch.arange(T) is created on the CPU whatever device `scores` is on, and comparing it "
    "with tensors on another device fails.",
    "torch.arange(scores.shape[1], device=scores.device)",
], docs=f"{DOCS}/generated/torch.arange.html")
def mask_on_input_device(learner, ref, draw):
    rows, steps = draw.distinct_shape(2)
    scores, lengths, value = mask_inputs(draw, rows, steps)
    got, want = both(learner, ref, "mask_after_length", scores, lengths, value)
    expect(got, want, advice=MASK_ADVICE)
    # The reference's answer moved to meta is what it gives there (meta tensors carry shape,
    # dtype and device only); running meta kernels here would first import seconds of code.
    expect(learner.mask_after_length(scores.to("meta"), lengths.to("meta"), value),
           as_data(want.values.to("meta")), advice={
               "device": "The result must stay on scores' device: create the positions with "
                         "torch.arange(T, device=scores.device).",
           })


@check(points=2, concept="counting with repeated indices", hints=[
    "Many labels repeat, and some classes may not occur at all.",
    "counts[labels] += 1 writes each repeated index once (the last write wins), so a class "
    "seen 5 times counts 1. bincount counts repeats; minlength keeps classes that never occur.",
    "torch.bincount(labels, minlength=num_classes)",
], docs=[f"{DOCS}/generated/torch.bincount.html", f"{DOCS}/generated/torch.Tensor.index_add_.html"])
def counts_with_repeats(learner, ref, draw):
    classes = draw.integer(4, 7)
    for top in (classes - 2, classes - 1):  # first without the last class, then with all
        labels = draw.integers(draw.integer(2 * classes, 3 * classes), lo=0, hi=top)
        labels[:top + 1] = torch.arange(top + 1)
        expect(*both(learner, ref, "class_counts", labels, classes), advice={
            "values": "Each occurrence must add 1: counts[labels] += 1 adds once per distinct "
                      "label. torch.bincount (or index_add_/scatter_add_) accumulates repeats.",
            "shape": "Return num_classes counts: bincount(labels) stops at the largest label "
                     "present; pass minlength=num_classes.",
            "dtype": "Counts are int64: bincount returns int64; a float32 zeros tensor makes "
                     "float counts.",
        })


@check(points=2, concept="accumulating with index_add_", hints=[
    "Several rows belong to the same group, and one group may be empty.",
    "out[groups] += values keeps one row per repeated group; out.index_add(...) without _ "
    "returns a new tensor and leaves out as it was; scatter_add_ needs an index as large as "
    "values.",
    "values.new_zeros(num_groups, values.shape[1]).index_add_(0, groups, values)",
], docs=[f"{DOCS}/generated/torch.Tensor.index_add_.html",
         f"{DOCS}/generated/torch.Tensor.scatter_add_.html"])
def group_sums_accumulate(learner, ref, draw):
    groups_count, dim = draw.integer(3, 5), draw.integer(2, 4)
    rows = draw.integer(2 * groups_count, 3 * groups_count)
    values = draw.tensor(rows, dim)
    groups = draw.integers(rows, lo=0, hi=groups_count - 2)  # the last group stays empty
    groups[: groups_count - 1] = torch.arange(groups_count - 1)
    expect(*both(learner, ref, "group_sums", values, groups, groups_count), advice={
        "values": "Each row must be added to its group's sum: out[groups] += values keeps only "
                  "one row per repeated group, and scatter_add_ with a (N, 1) index fills one "
                  "column. index_add_(0, groups, values) adds every row.",
        "shape": "Return one row per group, (num_groups, D), even for groups with no rows.",
    })


@check(points=2, concept="einsum for batched attention scores", hints=[
    "Use T == S to test: swapped output axes then still have the right shape.",
    "Each subscript names one axis; the output subscripts fix the result's order. Scores "
    "are (B, H, T, S): queries along the rows, keys along the columns, scaled by sqrt(D).",
    "torch.einsum('bhtd,bhsd->bhts', q, k) / q.shape[-1] ** 0.5  "
    "(or q @ k.transpose(-2, -1) / D ** 0.5)",
], docs=f"{DOCS}/generated/torch.einsum.html")
def einsum_attention_axes(learner, ref, draw):
    batch, heads, steps = draw.integer(1, 2), draw.integer(1, 3), draw.integer(3, 5)
    dim = steps + draw.integer(1, 3)  # D differs from T, so sqrt(T) is not sqrt(D)
    for keys in (steps, steps + draw.integer(1, 3)):
        q, k = draw.tensor(batch, heads, steps, dim), draw.tensor(batch, heads, keys, dim)
        expect(*both(learner, ref, "attention_scores", q, k), advice={
            "values": "scores[b, h, t, s] must be q[b, h, t] . k[b, h, s] / sqrt(D): check the "
                      "output subscripts ('...->bhts', not '...->bhst') and divide by the "
                      "square root of the feature size D.",
            "shape": "The scores are (B, H, T, S). k.T reverses every axis of a 4-d tensor; "
                     "transpose(-2, -1) swaps the last two.",
        })


@check(points=1, concept="one-hot encoding (dtype and width)", hints=[
    "Look at the dtype of F.one_hot's result.",
    "F.one_hot returns int64, which cannot be multiplied with float weights; and without "
    "num_classes it makes only as many columns as the largest label present needs.",
    "F.one_hot(labels, num_classes).float()",
], docs=f"{DOCS}/generated/torch.nn.functional.one_hot.html")
def one_hot_is_float(learner, ref, draw):
    classes = draw.integer(3, 6)
    labels = draw.integers(draw.integer(4, 9), lo=0, hi=classes - 2)
    expect(*both(learner, ref, "one_hot_float", labels, classes), advice={
        "dtype": "F.one_hot returns int64; convert with .float() before it meets float "
                 "weights.",
        "shape": "Pass num_classes: without it one_hot makes max(labels) + 1 columns.",
    })


def probe_gradient(m, name, x, args, upstream):
    """The gradient that reaches ``x`` through ``name(x, *args)`` from ``upstream``."""
    x = x.detach().clone().requires_grad_(True)
    getattr(m, name)(x, *args).backward(upstream)
    return x.grad


def expect_graph_kept(learner, ref, name: str, x: torch.Tensor, args: tuple,
                      upstream: torch.Tensor, passes: torch.Tensor, below: float,
                      advice: dict) -> None:
    """Values, requires_grad and an untouched input first; then the gradient that reaches x,
    against the chain rule worked out here: ``upstream`` where ``passes``, else
    ``below * upstream``. (No backward() runs in the grading process: its first call imports
    seconds of code.)"""
    got, want = both(learner, ref, name, x, *args, after=True)
    expect(got.value, want.value, advice=advice)
    expect_inputs_kept(got, want, advice=UNCHANGED)
    expected = torch.where(passes, upstream, upstream * below)
    expect(learner.run(probe_gradient, name, x, args, upstream,
                       label=f"the gradient reaching x through {name}"),
           as_data(expected), advice={
               "values": "The gradient is wrong where an element was replaced: it must be "
                         "the upstream gradient where x passes through unchanged, and "
                         "upstream times the derivative of the replacement elsewhere.",
           })


GRAPH = ("The result does not require grad: it was built outside autograd (under "
         "torch.no_grad(), or by a Python loop with torch.tensor, NumPy or .detach()). Choose "
         "per element with torch operations: torch.where, clamp, masks.")


@check(points=1, concept="torch.where keeps the graph", hints=[
    "A Python `if` sees one True or False; x > 0 is a tensor of them.",
    "Choose per element with torch operations, which autograd records: torch.where(cond, a, b) "
    "takes a from where cond is True and b elsewhere.",
    "return torch.where(x > 0, x, slope * x)",
], docs=f"{DOCS}/generated/torch.where.html")
def where_keeps_graph(learner, ref, draw):
    shape = draw.distinct_shape(2)
    x = nonzero(draw.tensor(*shape)).requires_grad_(True)
    slope = draw.choice([0.01, 0.1, 0.2, 0.3])
    expect_graph_kept(learner, ref, "leaky", x, (slope,), draw.tensor(*shape),
                      passes=x.detach() > 0, below=slope, advice={
        "requires_grad": GRAPH,
        "values": "Elements above 0 stay as they are; the others are multiplied by slope.",
    })


@check(points=1, concept="clamp keeps the graph", hints=[
    "The result must stay differentiable, and x must not change.",
    "x.clamp(low, high) returns a new tensor in the graph; clamp_ writes into x, which "
    "autograd refuses for a leaf that requires grad, and a loop of Python min/max leaves the "
    "graph.",
    "return x.clamp(low, high)  (or torch.clamp(x, min=low, max=high))",
], docs=f"{DOCS}/generated/torch.clamp.html")
def clamp_keeps_graph(learner, ref, draw):
    shape = draw.distinct_shape(2)
    x = draw.tensor(*shape).requires_grad_(True)
    # bounds with a third decimal never equal a drawn value, where the gradient is a convention
    low, high = -draw.number(0.2, 0.8) - 0.005, draw.number(0.2, 0.8) + 0.005
    inside = (x.detach() >= low) & (x.detach() <= high)
    expect_graph_kept(learner, ref, "clip", x, (low, high), draw.tensor(*shape),
                      passes=inside, below=0.0, advice={
        "requires_grad": GRAPH,
        "values": "Values below low become low and values above high become high; the others "
                  "stay.",
    })
