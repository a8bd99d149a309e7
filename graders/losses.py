"""Checks for `losses`: logits vs probabilities, log_softmax with nll_loss, target dtypes and
shapes, BCE on large logits, pos_weight, class weights, soft targets, label smoothing, the
class axis of sequences, ignore_index, MSE shapes, and an epoch's sample-weighted mean.

Every loss is compared with the reference and with the task's formula recomputed here, in the
grading process, in float64: the learner's sandbox is never trusted to say what a loss is.
Logits require grad, as a model's do, so a loss that left the autograd graph fails.
"""

import torch

from torchdojo.checks import Lesson, TensorData, as_data, both, check, expect

DOCS = "https://docs.pytorch.org/docs/stable/generated"
CROSS_ENTROPY = f"{DOCS}/torch.nn.functional.cross_entropy.html"
ORACLE = {"rtol": 1e-5, "atol": 1e-5}  # float32 results against float64 recomputations

IN_GRAPH = "a loss is a tensor in the autograd graph"  # what losing the graph teaches
KEPT = {
    "type": Lesson(IN_GRAPH, "Return the loss tensor itself, not loss.item() or a list: "
                             "training calls backward() on it."),
    "requires_grad": Lesson(IN_GRAPH, "The loss no longer depends on the logits in the "
                                      "autograd graph: no .detach(), .item(), NumPy or "
                                      "torch.tensor(...) on the way."),
    "shape": "A mean loss is one number, a 0-d tensor.",
}


def advice(**lessons: str) -> dict:
    """The lessons every loss shares, with this check's own on top."""
    return {**KEPT, **lessons}


def logits_of(draw, rows: int, classes: int, scale: float = 1.0) -> torch.Tensor:
    """Logits as a model returns them: float32, requiring grad."""
    return (draw.tensor(rows, classes) * scale).requires_grad_(True)


def confidently_wrong(draw, rows: int, classes: int, targets: torch.Tensor) -> torch.Tensor:
    """Large logits whose first row puts its target 200 to 400 below another class: that
    target's probability is below float32's smallest number, so log(softmax) gives inf."""
    logits = draw.tensor(rows, classes) * 60
    logits[0, targets[0]] = -draw.number(100, 200)
    logits[0, (targets[0] + 1) % classes] = draw.number(100, 200)
    return logits.requires_grad_(True)


# ----------------------------------------------------------------------------- the oracle


def log_softmax64(logits: torch.Tensor) -> torch.Tensor:
    z = logits.detach().double()
    return z - torch.logsumexp(z, dim=-1, keepdim=True)


def cross_entropy64(logits: torch.Tensor, targets: torch.Tensor, weights=None, ignore=None,
                    smoothing: float = 0.0) -> torch.Tensor:
    """CrossEntropyLoss's documented mean over class-index targets, in float64."""
    log_p = log_softmax64(logits)
    picked = -log_p.gather(1, targets.unsqueeze(1)).squeeze(1)
    per_sample = (1 - smoothing) * picked - smoothing * log_p.mean(dim=1)
    w = torch.ones(log_p.shape[1], dtype=torch.float64) if weights is None else weights.double()
    w_n = w[targets] * (targets != ignore if ignore is not None else 1)
    return (per_sample * w_n).sum() / w_n.sum()


def softplus64(x: torch.Tensor) -> torch.Tensor:
    """log(1 + e^x) without overflow."""
    return torch.logaddexp(torch.zeros_like(x), x)


def binary_cross_entropy64(logits: torch.Tensor, targets: torch.Tensor,
                           pos_weight=None) -> torch.Tensor:
    """-[p y log s(x) + (1 - y) log(1 - s(x))], averaged; log s(x) = -softplus(-x)."""
    x, y = logits.detach().double(), targets.double()
    p = 1.0 if pos_weight is None else pos_weight.double()
    return (p * y * softplus64(-x) + (1 - y) * softplus64(x)).mean()


def expect_loss(learner, ref, name: str, *args, lesson: dict,
                oracle: torch.Tensor | float) -> None:
    """The learner's loss against the reference's, then its numbers against the oracle."""
    got, want = both(learner, ref, name, *args)
    expect(got, want, advice=lesson)
    value = as_data(got.values) if isinstance(got, TensorData) else got
    exact = as_data(oracle.float()) if isinstance(oracle, torch.Tensor) else oracle
    expect(value, exact, name=f"{name} (against the formula recomputed in float64)",
           advice=lesson.get("values", ""), **ORACLE)


# ----------------------------------------------------------------------------- checks


@check(points=2, concept="cross_entropy reads logits", hints=[
    "Pass the model's raw scores; the loss normalises them itself.",
    "F.cross_entropy (nn.CrossEntropyLoss) applies log_softmax internally: a softmax before "
    "it squashes the scores twice, and log(softmax(x)) written out gives inf for large "
    "logits.",
    "return F.cross_entropy(logits, targets)",
], docs=[CROSS_ENTROPY, f"{DOCS}/torch.nn.modules.loss.CrossEntropyLoss.html"])
def logits_into_cross_entropy(learner, ref, draw):
    classes = draw.integer(3, 6)
    for large in (False, True):
        rows = classes + draw.integer(1, 4)
        targets = draw.integers(rows, lo=0, hi=classes - 1)
        logits = confidently_wrong(draw, rows, classes, targets) if large else \
            logits_of(draw, rows, classes)
        expect_loss(learner, ref, "classification_loss", logits, targets,
                    oracle=cross_entropy64(logits, targets), lesson=advice(
                        values="cross_entropy applies log_softmax itself: pass the raw "
                               "logits. A softmax before it squashes them twice, and "
                               "log(softmax(x)) written out gives inf for large logits."))


@check(points=2, concept="nll_loss reads log-probabilities", hints=[
    "nll_loss does not normalise: it only picks and negates the target's entry.",
    "Feed nll_loss log-probabilities, F.log_softmax(logits, dim=1): probabilities from "
    "softmax give negative losses. Normalise over the classes (dim=1), not the batch, and "
    "keep one loss per sample with reduction='none'.",
    "F.nll_loss(F.log_softmax(logits, dim=1), targets, reduction='none')",
], docs=[f"{DOCS}/torch.nn.functional.nll_loss.html",
         f"{DOCS}/torch.nn.functional.log_softmax.html"])
def nll_reads_log_probabilities(learner, ref, draw):
    classes = draw.integer(3, 6)
    for rows, large in ((classes, False), (classes + draw.integer(1, 3), True)):
        targets = draw.integers(rows, lo=0, hi=classes - 1)
        logits = confidently_wrong(draw, rows, classes, targets) if large else \
            logits_of(draw, rows, classes)
        expect_loss(learner, ref, "per_sample_nll", logits, targets,
                    oracle=-log_softmax64(logits).gather(1, targets.unsqueeze(1)).squeeze(1),
                    lesson=advice(
                        values="nll_loss expects log-probabilities: F.log_softmax(logits, "
                               "dim=1), taken over the classes of each row (dim=1, not the "
                               "batch). Probabilities from softmax make negative losses.",
                        shape="Keep one loss per sample, (N,): reduction='none'. The "
                              "default reduction averages them into one number."))


@check(points=1, concept="targets are (N,) int64 class indices", hints=[
    "The labels arrive as a (N, 1) float column; cross_entropy wants something else.",
    "Class-index targets must be int64 and of shape (N,): drop the column axis with "
    "squeeze(1) (not squeeze(), which also drops the batch when N == 1) and convert with "
    ".long().",
    "F.cross_entropy(logits, labels.squeeze(1).long())",
], docs=[CROSS_ENTROPY, f"{DOCS}/torch.squeeze.html"])
def targets_are_class_indices(learner, ref, draw):
    classes = draw.integer(3, 6)
    for rows in (1, draw.integer(3, 8)):
        logits = logits_of(draw, rows, classes)
        labels = draw.integers(rows, 1, lo=0, hi=classes - 1).float()
        expect_loss(learner, ref, "labels_loss", logits, labels,
                    oracle=cross_entropy64(logits, labels.squeeze(1).long()), lesson=advice(
                        values="Use the labels as class indices: labels.squeeze(1).long(), "
                               "one int64 index per sample."))


@check(points=2, concept="BCEWithLogits is stable on large logits", hints=[
    "Try a logit of 150 with target 0: what does sigmoid(150) round to in float32?",
    "sigmoid followed by BCELoss (or a hand-written log) loses everything beyond about "
    "|logit| 17: BCELoss clamps log(0) to -100, a plain log gives inf. "
    "binary_cross_entropy_with_logits works on the logits with the log-sum-exp trick.",
    "return F.binary_cross_entropy_with_logits(logits, targets)",
], docs=[f"{DOCS}/torch.nn.modules.loss.BCEWithLogitsLoss.html",
         f"{DOCS}/torch.nn.functional.binary_cross_entropy_with_logits.html"])
def bce_with_logits_is_stable(learner, ref, draw):
    rows = draw.integer(4, 8)
    mild = draw.tensor(rows)
    large = torch.tensor([draw.number(100, 200), -draw.number(100, 200),
                          draw.number(30, 90), -draw.number(30, 90)])
    logits = torch.cat([mild, large]).requires_grad_(True)
    # two large logits point at the wrong class (their loss is about |logit|), two at the right
    targets = torch.cat([draw.integers(rows, lo=0, hi=1).float(),
                         torch.tensor([0.0, 1.0, 1.0, 0.0])])
    expect_loss(learner, ref, "binary_loss", logits, targets,
                oracle=binary_cross_entropy64(logits, targets), lesson=advice(
                    values="For |logit| above about 17, sigmoid rounds to exactly 0 or 1 in "
                           "float32: BCELoss then clamps the log at -100, and a hand-written "
                           "log gives -inf (times a target of 0: nan). Use "
                           "binary_cross_entropy_with_logits on the logits."))


@check(points=2, concept="pos_weight weights the positives", hints=[
    "Only the positive targets' term gets the extra weight.",
    "BCEWithLogitsLoss(pos_weight=p) multiplies y * log(sigmoid(x)) by p[k] for each label "
    "k; weight= multiplies the whole loss of every element, negatives included.",
    "F.binary_cross_entropy_with_logits(logits, targets, pos_weight=pos_weight)",
], docs=f"{DOCS}/torch.nn.modules.loss.BCEWithLogitsLoss.html")
def pos_weight_weights_positives(learner, ref, draw):
    rows, labels = draw.integer(4, 8), draw.integer(2, 4)
    logits = logits_of(draw, rows, labels, 2.0)
    targets = draw.integers(rows, labels, lo=0, hi=1).float()
    targets[0], targets[1] = 1.0, 0.0  # every label has a positive and a negative
    pos_weight = torch.tensor([draw.number(1.5, 9.0) for _ in range(labels)])
    expect_loss(learner, ref, "weighted_binary_loss", logits, targets, pos_weight,
                oracle=binary_cross_entropy64(logits, targets, pos_weight), lesson=advice(
                    values="pos_weight multiplies only the positive targets' term, "
                           "y * log(sigmoid(x)); weight= (or multiplying the whole loss) "
                           "weights the negatives too. Pass pos_weight=pos_weight."))


@check(points=2, concept="class weights: a weighted mean", hints=[
    "With class weights, what does the mean divide by?",
    "cross_entropy(weight=w) divides the weighted sum by the sum of the weights of the "
    "targets, sum_n w[y_n], not by N.",
    "return F.cross_entropy(logits, targets, weight=weights)",
], docs=[CROSS_ENTROPY, f"{DOCS}/torch.nn.modules.loss.CrossEntropyLoss.html"])
def class_weights_weighted_mean(learner, ref, draw):
    classes = draw.integer(3, 5)
    rows = classes + draw.integer(2, 5)
    logits = logits_of(draw, rows, classes)
    targets = draw.integers(rows, lo=0, hi=classes - 1)
    weights = torch.tensor([draw.number(0.2, 5.0) for _ in range(classes)])
    expect_loss(learner, ref, "class_weighted_loss", logits, targets, weights,
                oracle=cross_entropy64(logits, targets, weights), lesson=advice(
                    values="The weighted mean divides by the sum of the targets' weights, "
                           "weights[targets].sum(), not by N: pass weight= to cross_entropy "
                           "(or divide your weighted sum by that).",
                    shape="Return one number: each sample's weight is weights[targets[n]]; "
                          "multiplying the mean loss by weights gives C numbers."))


@check(points=2, concept="class probabilities as targets", hints=[
    "The targets are distributions over the classes, not one class each.",
    "cross_entropy accepts (N, C) float probabilities as the target. argmax throws the soft "
    "targets away, .mean() over all N*C terms divides by C too, and kl_div leaves out the "
    "targets' entropy.",
    "return F.cross_entropy(logits, probabilities)",
], docs=CROSS_ENTROPY)
def probability_targets(learner, ref, draw):
    rows, classes = draw.integer(3, 7), draw.integer(3, 5)
    logits = logits_of(draw, rows, classes, 2.0)
    probabilities = torch.softmax(draw.tensor(rows, classes) * 2, dim=1)
    expect_loss(learner, ref, "soft_target_loss", logits, probabilities,
                oracle=-(probabilities.double() * log_softmax64(logits)).sum(dim=1).mean(),
                lesson=advice(
                    values="The loss of a sample is -sum_c p[c] * log_softmax(logits)[c], "
                           "averaged over samples: pass the probabilities to cross_entropy as "
                           "they are (no argmax, no mean over the classes, not kl_div)."))


@check(points=1, concept="label smoothing", hints=[
    "How much probability does the true class keep after smoothing?",
    "PyTorch spreads `smoothing` evenly over all C classes, the true one included: the true "
    "class gets 1 - smoothing + smoothing / C, every other smoothing / C.",
    "F.cross_entropy(logits, targets, label_smoothing=smoothing)",
], docs=[CROSS_ENTROPY, f"{DOCS}/torch.nn.modules.loss.CrossEntropyLoss.html"])
def label_smoothing(learner, ref, draw):
    rows, classes = draw.integer(3, 7), draw.integer(3, 6)
    logits = logits_of(draw, rows, classes, 2.0)
    targets = draw.integers(rows, lo=0, hi=classes - 1)
    smoothing = draw.choice([0.05, 0.1, 0.2, 0.3])
    expect_loss(learner, ref, "smoothed_loss", logits, targets, smoothing,
                oracle=cross_entropy64(logits, targets, smoothing=smoothing), lesson=advice(
                    values="Smoothing puts smoothing / C on every class (the true one too) and "
                           "1 - smoothing on top for the true class; label_smoothing= does "
                           "exactly that."))


@check(points=2, concept="the class axis is dim 1", hints=[
    "Test with as many time steps as classes: a wrong axis then still runs.",
    "cross_entropy reads (N, C, T) for sequences: classes at dim 1. With (N, T, C) it takes "
    "time steps for classes. view/reshape to (N, C, T) regroups the numbers instead of "
    "moving the axis.",
    "F.cross_entropy(logits.transpose(1, 2), targets)  (or logits.reshape(-1, C) with "
    "targets.reshape(-1))",
], docs=CROSS_ENTROPY)
def class_axis_at_dim_1(learner, ref, draw):
    classes = draw.integer(3, 5)
    for steps in (classes, classes + draw.integer(1, 3)):
        rows = draw.integer(2, 4)
        logits = (draw.tensor(rows, steps, classes) * 2).requires_grad_(True)
        targets = draw.integers(rows, steps, lo=0, hi=classes - 1)
        expect_loss(learner, ref, "sequence_loss", logits, targets,
                    oracle=cross_entropy64(logits.reshape(-1, classes), targets.reshape(-1)),
                    lesson=advice(
                        values="cross_entropy reads the classes at dim 1, (N, C, T): given "
                               "(N, T, C) it took time steps for classes (it runs when T == C). "
                               "Move the axis with logits.transpose(1, 2), or flatten to "
                               "(N*T, C) and (N*T,); view/reshape to (N, C, T) scrambles."))


@check(points=2, concept="ignore_index for padding", hints=[
    "Some targets are the padding index: they are not real tokens.",
    "Padding must be left out of the sum and of the count: cross_entropy's ignore_index does "
    "both (its default, -100, is not your pad index).",
    "F.cross_entropy(logits, targets, ignore_index=pad)",
], docs=CROSS_ENTROPY)
def ignore_index_for_padding(learner, ref, draw):
    classes = draw.integer(3, 6)
    tokens, pad = draw.integer(6, 12), draw.integer(0, classes - 1)
    logits = logits_of(draw, tokens, classes, 2.0)
    targets = draw.integers(tokens, lo=0, hi=classes - 1)
    targets[-3:] = pad  # the padded tail ...
    targets[0] = (pad + 1) % classes  # ... and at least one real token
    expect_loss(learner, ref, "padded_loss", logits, targets, pad,
                oracle=cross_entropy64(logits, targets, ignore=pad), lesson=advice(
                    values="Tokens whose target is pad must count for nothing, in the sum and "
                           "in the number you divide by: ignore_index=pad (the default -100 "
                           "is not your pad)."))


@check(points=2, concept="MSE needs matching shapes", hints=[
    "Compare the shapes of the predictions and the targets before the loss.",
    "(N, 1) against (N,) broadcasts to (N, N): every prediction against every target "
    "(PyTorch warns, and the value is wrong).",
    "F.mse_loss(predictions.squeeze(1), targets)",
], docs=[f"{DOCS}/torch.nn.functional.mse_loss.html",
         "https://docs.pytorch.org/docs/stable/notes/broadcasting.html"])
def regression_shapes_match(learner, ref, draw):
    rows = draw.integer(3, 8)
    predictions = draw.tensor(rows, 1).requires_grad_(True)
    targets = draw.tensor(rows)
    oracle = ((predictions.detach().double().squeeze(1) - targets.double()) ** 2).mean()
    expect_loss(learner, ref, "regression_loss", predictions, targets, oracle=oracle,
                lesson=advice(
                    values="(N, 1) predictions against (N,) targets broadcast to (N, N), "
                           "every prediction against every target: squeeze(1) the "
                           "predictions (or unsqueeze(1) the targets) so the shapes match."))


@check(points=2, concept="an epoch's mean weights every sample", hints=[
    "The last batch is smaller: does each of its samples count as much as the others?",
    "The mean of the batch means gives a small batch the weight of a full one. Sum the "
    "per-sample losses (reduction='sum') and divide by the number of samples.",
    "sum(F.cross_entropy(l, t, reduction='sum').item() for l, t in batches) / "
    "sum(len(t) for _, t in batches)",
], docs=CROSS_ENTROPY)
def epoch_mean_weights_samples(learner, ref, draw):
    classes, size = draw.integer(3, 5), draw.integer(5, 8)
    sizes = [size, size, draw.integer(1, 2)]
    batches = [(draw.tensor(n, classes) * 2, draw.integers(n, lo=0, hi=classes - 1))
               for n in sizes]
    every = (torch.cat([b[0] for b in batches]), torch.cat([b[1] for b in batches]))
    expect_loss(learner, ref, "epoch_loss", batches,
                oracle=cross_entropy64(*every).item(), lesson={
                    "type": "Return a Python float: .item() of the summed loss.",
                    "values": "Every sample must count the same: add the summed losses "
                              "(reduction='sum') of all batches and divide by the number of "
                              "samples, not the number of batches.",
                })
