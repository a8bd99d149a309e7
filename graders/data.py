"""Checks for `data`: a custom Dataset, collation, transforms, DataLoaders, workers and splits.

The learner's classes live in the sandbox, so probes build datasets and loaders there and send
back what came out: samples, batches, the order of sample indices, dtypes and counts. Loader
checks feed the learner's `make_loaders` a dataset whose features are the sample indices, so
the batches show the order directly and a mistake in the learner's Dataset cannot leak into
them.
"""

import dataclasses

import torch

from torchdojo.checks import Lesson, TensorData, both, check, expect, expect_true

MANUAL = "https://docs.pytorch.org/docs/stable/"  # the PyTorch manual
PAGES = MANUAL + "generated/"  # one page per function or class
TUTORIALS = "https://docs.pytorch.org/tutorials/"

WORKERS = 2
INTRO_SIZES = (5, 2)


def probe_samples(m, features, labels, read):
    """Build the learner's ToyDataset and read samples: ``read`` is "len", "items" or a batch
    size (collate with a DataLoader). Python int labels count as int64, as collation makes them."""
    import torch
    from torch.utils.data import DataLoader

    def as_pair(sample):
        if isinstance(sample, tuple) and len(sample) == 2 and type(sample[1]) is int:
            return sample[0], torch.tensor(sample[1])
        return sample

    def values(part):
        """A sample's numbers whatever their form (a list, a NumPy row, another dtype): the
        length check reads the values too, and leaves their form to the checks of items."""
        try:
            return torch.as_tensor(part, dtype=torch.float64).flatten()
        except (TypeError, ValueError, RuntimeError):
            return None

    dataset = m.ToyDataset(features, labels)
    if read == "len":
        samples = [dataset[i] for i in range(len(features))]
        return {"len(dataset)": len(dataset),
                "the numbers of each sample": [[values(part) for part in sample]
                                               for sample in samples]}
    if read == "items":
        return [as_pair(dataset[i]) for i in range(len(features))]
    return list(DataLoader(dataset, batch_size=read))


def probe_intro(m, sizes):
    """The introduction's datasets: their lengths and every sample."""
    import torch

    def as_pair(sample):
        if isinstance(sample, tuple) and len(sample) == 2 and type(sample[1]) is int:
            return sample[0], torch.tensor(sample[1])
        return sample

    train, test = m.toy_datasets()
    return {"len(train_ds)": len(train), "len(test_ds)": len(test),
            "the samples of train_ds": [as_pair(train[i]) for i in range(sizes[0])],
            "the samples of test_ds": [as_pair(test[i]) for i in range(sizes[1])]}


def probe_transform_calls(m, features, labels, reads):
    """A transform that counts its calls and marks its output with the count: a transform run
    once in __init__ freezes the marks, one run on every access shows them growing."""
    calls = []

    def mark(x):
        calls.append(1)
        return x * 10 + len(calls)

    dataset = m.ToyDataset(features, labels, transform=mark)
    before = len(calls)
    samples = [dataset[i][0] for i in reads]
    return {"calls of the transform in ToyDataset(...)": before,
            f"calls of the transform for {len(reads)} reads": len(calls) - before,
            "the transformed features read": samples}


def probe_transforms(m, mean, std, noise_std, samples, seed, which, keep):
    """Apply one of the transforms (``which``: "train" or "val") twice to every sample (a row
    of ``samples``, each made a tensor of its own), with the global generator seeded. The
    first ``keep`` outputs of each pass come back as they are; every output, stacked (None
    when they are not tensors of one shape): one tensor crosses the wire, not one per sample."""
    import torch

    transforms = dict(zip(("train", "val"), m.make_transforms(mean, std, noise_std),
                          strict=True))
    rows = [x.clone() for x in samples]

    def stacked(made):
        if not all(type(y) is torch.Tensor for y in made):
            return None
        try:
            return torch.stack([y.detach() for y in made])
        except RuntimeError:
            return None

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        first = [transforms[which](x) for x in rows]
        again = [transforms[which](x) for x in rows]
    return {which: first[:keep], f"{which}_again": again[:keep], "all": stacked(first),
            "all_again": stacked(again)}


def probe_loaders(m, n_train, n_val, batch_size, seed, epochs):
    """The sample indices each loader yields, batch by batch, for a few epochs."""
    import torch
    from torch.utils.data import TensorDataset

    def indexed(n):
        return TensorDataset(torch.arange(n, dtype=torch.float32).unsqueeze(1),
                             torch.arange(n) % 3)

    train, val = m.make_loaders(indexed(n_train), indexed(n_val), batch_size, seed)
    return {name: {"batches": len(loader),
                   "epochs": [[x[:, 0].long().tolist() for x, _ in loader]
                              for _ in range(epochs)]}
            for name, loader in (("train", train), ("val", val))}


def probe_reproducible(m, n, batch_size, seed):
    """Train-loader orders for the same seed twice (with the global generator reseeded in
    between, as other code would), for another seed, and whether building the loaders
    changed the global generator's state."""
    import torch
    from torch.utils.data import TensorDataset

    data = TensorDataset(torch.arange(n, dtype=torch.float32).unsqueeze(1), torch.arange(n))

    def first_epoch(train):
        return [y.tolist() for _, y in train]

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        before = torch.random.get_rng_state()
        train, _ = m.make_loaders(data, data, batch_size, seed)
        untouched = bool(torch.equal(before, torch.random.get_rng_state()))
        first = first_epoch(train)
        torch.manual_seed(2)
        again = first_epoch(m.make_loaders(data, data, batch_size, seed)[0])
        other = first_epoch(m.make_loaders(data, data, batch_size, seed + 1)[0])
    return {"the same seed gives the same order": first == again,
            "another seed gives another order": first != other,
            "make_loaders leaves the global generator alone": untouched}


def probe_workers(m, features, labels, batch_size, seed, workers, spawn):
    """One epoch of the learner's training loader over their ToyDataset, asked for workers,
    and one epoch of the same loader (same seed) read without workers.

    With ``spawn`` the workers start with "spawn", which pickles the dataset to send it; the
    reference side reads both without workers.
    """
    dataset = m.ToyDataset(features, labels)
    train, _ = m.make_loaders(dataset, dataset, batch_size, seed, num_workers=workers)
    plain, _ = m.make_loaders(dataset, dataset, batch_size, seed, num_workers=workers)
    asked, plain.num_workers = train.num_workers, 0
    if spawn and asked > 0:
        train.multiprocessing_context = "spawn"
    elif not spawn:
        train.num_workers = 0
    return {"num_workers": asked, "with workers": list(train), "without": list(plain)}


def probe_split(m, n, val_fraction, seed):
    """The sample indices in each part, for the seed twice (global generator reseeded in
    between) and for another seed."""
    import torch
    from torch.utils.data import TensorDataset

    data = TensorDataset(torch.arange(n))

    def parts(s):
        train, val = m.split_dataset(data, val_fraction, s)
        return [[int(part[i][0]) for i in range(len(part))] for part in (train, val)]

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        before = torch.random.get_rng_state()
        first = parts(seed)
        untouched = bool(torch.equal(before, torch.random.get_rng_state()))
        torch.manual_seed(2)
        again = parts(seed)
        other = parts(seed + 1)
    return {"the sizes of (train_part, val_part)": [len(p) for p in first],
            "every sample is in exactly one part": sorted(first[0] + first[1]) == list(range(n)),
            "the same seed gives the same split": first == again,
            "another seed gives another split": first != other,
            "split_dataset leaves the global generator alone": untouched}


def table(draw, rows: int | None = None) -> tuple:
    """Features as read from a CSV file (float64 NumPy) and int32 NumPy labels."""
    rows = rows or draw.integer(7, 13)
    features = draw.array(rows, draw.integer(2, 5))
    labels = draw.integers(rows, lo=0, hi=2, dtype=torch.int32).numpy()
    return features, labels


SAMPLES = "samples as float32 features and int64 labels"  # what a malformed sample teaches
ITEM_ADVICE = {
    "type": Lesson(SAMPLES, "Return each sample as (x, y) with x a tensor: a Python list or a "
                            "NumPy row is collated into something else."),
    "dtype": Lesson(SAMPLES, "Convert once in __init__: features with torch.as_tensor(..., "
                             "dtype=torch.float32), labels with dtype=torch.int64. NumPy's "
                             "float64 and int32 otherwise reach the model."),
    "shape": Lesson(SAMPLES, "x is one row of features, shape (F,); y is one label, shape ()."),
}
SAMPLE_COUNT = Lesson("__len__ is the number of samples", "The loader read another number of "
                      "samples than the dataset holds: it asks len(dataset), which must count "
                      "the rows.")


def expect_findings(got: dict, want: dict, advice: dict, context: str = "") -> None:
    """Compare a probe's named findings one by one, so a message names the finding itself
    ("len(train_loader) is 3; expected 2.") with the advice for it."""
    for key, value in want.items():
        expect(got.get(key), value, name=f"{key}{context}", advice=advice.get(key, ""))


# ----------------------------------------------------------------------------- the Dataset


@check(points=1, concept="a Dataset's three methods", hints=[
    "A map-style Dataset needs __init__ to store the data, __len__ and __getitem__.",
    "len(dataset) is the number of samples and dataset[i] returns the i-th (features, label) "
    "pair; the introduction's datasets hold 5 and 2 samples.",
    "return ToyDataset(X_TRAIN, Y_TRAIN), ToyDataset(X_TEST, Y_TEST)",
], docs=MANUAL + "data.html#torch.utils.data.Dataset")
def intro_toy_dataset(learner, ref, draw):
    lengths = "The training set has 5 samples and the test set 2: __len__ returns the " \
              "number of samples."
    expect_findings(*both(learner, ref, probe_intro, INTRO_SIZES),
                    advice={"len(train_ds)": lengths, "len(test_ds)": lengths,
                            "the samples of train_ds": ITEM_ADVICE,
                            "the samples of test_ds": ITEM_ADVICE})


@check(points=1, concept="__len__ is the number of samples", hints=[
    "The DataLoader asks len(dataset) how many indices exist.",
    "__len__ returns an int: the number of rows (samples), not the number of features, "
    "batches or the last index.",
    "return len(self.labels)",
], docs=MANUAL + "data.html#torch.utils.data.Dataset")
def dataset_length(learner, ref, draw):
    for features, labels in (table(draw), table(draw, rows=1)):
        expect_findings(*both(learner, ref, probe_samples, features, labels, "len"), advice={
            "len(dataset)": "len(dataset) must count the samples: one per row of features.",
            "the numbers of each sample": "dataset[i] must hold row i of the features and its "
                                          "label: len() counts samples that must be there.",
        })


@check(points=2, concept="samples as float32 features and int64 labels", hints=[
    "Look at the dtype of what __getitem__ returns when the data comes from NumPy.",
    "NumPy arrays are float64 (and labels may be int32); a model's weights are float32 and "
    "CrossEntropyLoss wants int64 labels. Python floats and NumPy rows are not tensors.",
    "self.features = torch.as_tensor(features, dtype=torch.float32); self.labels = "
    "torch.as_tensor(labels, dtype=torch.int64); return self.features[i], self.labels[i]",
], docs=MANUAL + "data.html#torch.utils.data.Dataset")
def dataset_items(learner, ref, draw):
    features, labels = table(draw)
    expect(*both(learner, ref, probe_samples, features, labels, "items"), name="the samples",
           advice=ITEM_ADVICE)


@check(points=2, concept="collated batches: float32 features, int64 labels", hints=[
    "A DataLoader stacks the samples of a batch with default_collate.",
    "Tensors are stacked into one tensor; Python floats become float64, NumPy keeps its "
    "dtype, and a list per sample becomes a list of tensors, one per feature.",
    "return self.features[i] (a float32 tensor row), self.labels[i] (int64)",
], docs=MANUAL + "data.html#dataloader-collate-fn")
def collated_batches(learner, ref, draw):
    features, labels = table(draw)
    batch_size = draw.integer(2, 4)
    expect(*both(learner, ref, probe_samples, features, labels, batch_size), name="the batches",
           advice={**ITEM_ADVICE, "length": SAMPLE_COUNT,
                   "type": "Each batch must be [features, labels], two tensors: return "
                           "tensors from __getitem__, not lists or NumPy rows."})


@check(points=1, concept="transforms run in __getitem__", hints=[
    "Read the same sample twice with a random transform: you should see two results.",
    "A transform applied once in __init__ freezes its output (the same augmentation every "
    "epoch); it belongs in __getitem__, applied to the features each time a sample is read.",
    "x = self.features[i]; if self.transform is not None: x = self.transform(x)",
], docs=TUTORIALS + "beginner/basics/data_tutorial.html")
def transform_on_every_access(learner, ref, draw):
    features, labels = table(draw)
    reads = [0, 0, draw.integer(1, len(labels) - 1)]
    expect_findings(*both(learner, ref, probe_transform_calls, features, labels, reads), advice={
        "calls of the transform in ToyDataset(...)": "Store the transform in __init__; apply "
                                                     "it in __getitem__, not to the whole "
                                                     "table up front.",
        f"calls of the transform for {len(reads)} reads": "Apply the transform once each time "
                                                          "a sample is read.",
        "the transformed features read": {
            **ITEM_ADVICE, "values": "Apply the transform to the sample's features each time "
                                     "it is read, and return its result."},
    })


# ----------------------------------------------------------------------------- transforms


def transformed(learner, ref, draw, count: int, which: str, keep: int
                ) -> tuple[dict, dict, dict]:
    """One transform (``which``) of ``count`` drawn samples, twice, on both sides (see
    ``probe_transforms`` for ``keep``), and the inputs used."""
    features = draw.integer(2, 4)
    given = {"mean": draw.tensor(features), "std": draw.tensor(features).abs() + 0.5,
             "noise_std": round(draw.number(0.2, 1.0), 2),
             "samples": [draw.tensor(features) for _ in range(count)]}
    seed = draw.seed_value()
    return (*both(learner, ref, probe_transforms, given["mean"], given["std"],
                  given["noise_std"], torch.stack(given["samples"]), seed, which, keep), given)


@check(points=2, concept="deterministic validation transforms", hints=[
    "Measuring a model twice on the same data must give the same number.",
    "Augmentation (random noise, crops, flips) is for training only; the validation transform "
    "only standardizes.",
    "val_transform = lambda x: (x - mean) / std, with no randomness",
], docs=TUTORIALS + "beginner/basics/transforms_tutorial.html")
def validation_transform_deterministic(learner, ref, draw):
    got, want, _ = transformed(learner, ref, draw, 6, "val", keep=6)
    advice = "The validation transform is (x - mean) / std and nothing else: no random noise."
    expect(got["val"], want["val"], name="val_transform(x)", advice=advice)
    expect(got["val_again"], want["val"], name="val_transform(x) called again", advice=advice)


@check(points=1, concept="random augmentation for training", hints=[
    "Augmentation should show each sample differently every time it is read.",
    "Draw fresh noise on each call (torch.randn_like(x) * noise_std); a generator seeded "
    "inside the transform repeats the same noise, and no noise is no augmentation.",
    "train_transform = lambda x: (x - mean) / std + noise_std * torch.randn_like(x)",
], docs=TUTORIALS + "beginner/basics/transforms_tutorial.html")
def training_augmentation(learner, ref, draw):
    got, want, given = transformed(learner, ref, draw, 400, "train", keep=3)
    advice = "Return a float32 tensor of the sample's shape."
    for key in ("train", "train_again"):
        expect(form(got[key]), form(want[key]), name="train_transform(x)", advice=advice)
    expect_true(all(isinstance(got[k], TensorData) for k in ("all", "all_again")),
                "gave outputs that are not all tensors of one shape.", advice,
                name="train_transform(x)", prop="type")
    noise = given["noise_std"]
    clean = torch.stack([(x - given["mean"]) / given["std"] for x in given["samples"]])
    residual, again = got["all"].values - clean, got["all_again"].values - clean
    spread, centre = residual.std().item(), residual.mean().item()
    expect_true(spread > 0 and not torch.equal(residual, again),
                "gives the same output every time it is called; expected fresh noise on each "
                "call.", name="train_transform(x)", advice="Draw new noise from the global "
                "generator on every call: torch.randn_like(x) * noise_std. No noise, or noise "
                "from a generator seeded inside the transform, is the same every time.")
    expect_true(abs(spread / noise - 1) < 0.15 and abs(centre) < 0.15 * noise,
                f"adds noise with mean {centre:.3f} and standard deviation {spread:.3f} to the "
                f"standardized features; expected mean 0 and standard deviation {noise}.",
                name="train_transform(x)", advice="Standardize first, then add "
                "noise_std * torch.randn_like(x): normal noise scaled by noise_std.")


# ----------------------------------------------------------------------------- loaders


def loader_sizes(draw) -> tuple[int, int, int]:
    """Dataset sizes that never divide evenly by the batch size, so drop_last shows."""
    batch_size = draw.integer(3, 5)
    n_train = batch_size * draw.integer(3, 5) + draw.integer(1, batch_size - 1)
    n_val = batch_size * draw.integer(1, 3) + draw.integer(1, batch_size - 1)
    return n_train, n_val, batch_size


def summary(loaders: dict) -> dict:
    """Batch counts and sizes of each loader's first epoch."""
    return {"len(train_loader)": loaders["train"]["batches"],
            "the training batch sizes": [len(b) for b in loaders["train"]["epochs"][0]],
            "len(val_loader)": loaders["val"]["batches"],
            "the validation batch sizes": [len(b) for b in loaders["val"]["epochs"][0]]}


@check(points=2, concept="batch size and drop_last", hints=[
    "Count the batches when the dataset size is not a multiple of the batch size.",
    "By default the last, smaller batch is kept. drop_last=True drops it: wanted for "
    "training (equal-sized steps, BatchNorm needs more than one sample), never for "
    "validation, where every sample must be measured.",
    "DataLoader(train_ds, batch_size=batch_size, shuffle=True, drop_last=True, ...) and "
    "DataLoader(val_ds, batch_size=batch_size)",
], docs=MANUAL + "data.html#torch.utils.data.DataLoader")
def batches_and_drop_last(learner, ref, draw):
    train = "The training loader drops the incomplete last batch: drop_last=True."
    val = "The validation loader keeps every sample: leave drop_last=False, so its last " \
          "batch is smaller."
    advice = {"len(train_loader)": train, "the training batch sizes": train,
              "len(val_loader)": val, "the validation batch sizes": val}
    seed = draw.seed_value()
    for n_train, n_val, batch_size in ((*INTRO_SIZES, 2), loader_sizes(draw)):
        got, want = both(learner, ref, probe_loaders, n_train, n_val, batch_size, seed, 1)
        expect_findings(summary(got), summary(want), advice, context=f" ({n_train} training "
                        f"and {n_val} validation samples, batch_size={batch_size})")


@check(points=2, concept="shuffle the training set only", hints=[
    "Print the sample indices of two epochs of each loader.",
    "Training batches should differ from epoch to epoch (shuffle=True); validation keeps a "
    "fixed order (shuffle=False), so results are comparable between epochs.",
    "shuffle=True for the training loader, shuffle=False for the validation loader",
], docs=MANUAL + "data.html#torch.utils.data.DataLoader")
def shuffle_training_only(learner, ref, draw):
    n_train, n_val, batch_size = loader_sizes(draw)
    seed = draw.seed_value()
    got, want = both(learner, ref, probe_loaders, n_train, n_val, batch_size, seed, 2)
    train = "Shuffle the training loader (shuffle=True), so each epoch visits the samples " \
            "in a new order."
    val = "Keep the validation loader in order: shuffle=False."
    expect_findings(shuffled(got), shuffled(want), advice={
        "train_loader yields the samples in index order": train,
        "train_loader repeats its order in epoch 2": train,
        "train_loader yields a sample twice in one epoch": "Each sample appears at most once "
                                                           "per epoch: sample without "
                                                           "replacement.",
        "val_loader yields the samples in index order": val,
        "val_loader repeats its order in epoch 2": val})


def shuffled(loaders: dict) -> dict:
    """What the orders show: shuffled or in order, new each epoch, every sample at most once."""
    out = {}
    for name, loader in loaders.items():
        first, second = ([i for b in epoch for i in b] for epoch in loader["epochs"])
        out[f"{name}_loader yields the samples in index order"] = first == sorted(first)
        out[f"{name}_loader repeats its order in epoch 2"] = first == second
        if name == "train":
            out[f"{name}_loader yields a sample twice in one epoch"] = len(set(first)) < len(first)
    return out


@check(points=2, concept="a generator for a reproducible order", hints=[
    "Run your loader twice with the same seed, after other code has used the random numbers.",
    "shuffle=True alone draws the order from the global generator, which any other code "
    "moves; torch.manual_seed inside your function changes it for everyone. A "
    "torch.Generator of your own gives an order that depends on your seed only.",
    "DataLoader(..., shuffle=True, generator=torch.Generator().manual_seed(seed))",
], docs=MANUAL + "notes/randomness.html#dataloader")
def reproducible_order(learner, ref, draw):
    n, batch_size, seed = draw.integer(10, 16), draw.integer(2, 4), draw.seed_value()
    expect_findings(*both(learner, ref, probe_reproducible, n, batch_size, seed), advice={
        "the same seed gives the same order": "The order must not depend on what other code "
                                              "did with the global generator: pass "
                                              "generator=torch.Generator().manual_seed(seed).",
        "another seed gives another order": "The order must depend on the seed you are given.",
        "make_loaders leaves the global generator alone": "Do not call torch.manual_seed: it "
                                                          "resets the generator all other "
                                                          "code shares. Give the DataLoader "
                                                          "its own generator.",
    })


@check(points=2, concept="datasets that workers can pickle", hints=[
    "Try your loaders with num_workers=2 and multiprocessing_context='spawn', as on macOS "
    "and Windows.",
    "Spawned workers receive the dataset by pickling it: lambdas, local functions and local "
    "classes cannot be pickled. Pass num_workers on to both DataLoaders.",
    "Define the Dataset class and any function it stores at the top level of the module; "
    "DataLoader(..., num_workers=num_workers)",
], timeout=90, docs=MANUAL + "data.html#multi-process-data-loading")
def workers_with_spawn(learner, ref, draw):
    features, labels = table(draw, rows=draw.integer(9, 14))
    batch_size, seed = draw.integer(2, 4), draw.seed_value()
    got = learner.run(probe_workers, features, labels, batch_size, seed, WORKERS, True)
    want = ref.run(probe_workers, features, labels, batch_size, seed, WORKERS, False)
    name = f"the batches with num_workers={WORKERS}"
    expect(got["num_workers"], want["num_workers"], name="train_loader.num_workers",
           advice="Pass num_workers on to the DataLoader.")
    # Which samples a shuffled epoch drops depends on the idiom, so the batches are compared
    # with the reference in form only (count, types, shapes, dtypes), and in value with the
    # same loader read without workers.
    expect(form(got["with workers"]), form(want["with workers"]), name=name,
           advice={**ITEM_ADVICE, "length": Lesson(
               "batch size and drop_last", "The training loader yields another number of "
               "batches: batch_size as given, drop_last=True, and len(dataset) the number of "
               "samples.")})
    expect(got["with workers"], got["without"], name=name, advice=Lesson(
        "a generator for a reproducible order", "Two loaders built with the same seed gave "
        "different batches: the order must come from the DataLoader's own "
        "generator=torch.Generator().manual_seed(seed), not from the global generator, which "
        "workers and other code move."))


def form(value):
    """``value`` with every tensor's numbers dropped: what remains is its form."""
    if isinstance(value, TensorData):
        return dataclasses.replace(value, values=None, grad=None)
    if isinstance(value, (list, tuple)):
        return type(value)(form(v) for v in value)
    return value


# ----------------------------------------------------------------------------- splitting


def split_sizes(draw, rounds_up: bool) -> tuple[int, float]:
    """A dataset size and fraction whose n * fraction is not whole: its fractional part is
    above one half (``rounds_up``: rounding differs from truncating, which random_split with
    fractions does for the last part) or below it (rounding differs from ceil)."""
    fraction = draw.choice([0.2, 0.25, 0.3, 0.4])
    low, high = (0.55, 0.95) if rounds_up else (0.05, 0.45)
    sizes = [n for n in range(9, 30) if low < (n * fraction) % 1 < high]
    return draw.choice(sizes), fraction


SPLIT_ADVICE = {
    "the sizes of (train_part, val_part)": "Return (train_part, val_part) with "
                                           "round(n * val_fraction) samples in val_part: "
                                           "random_split with fractions rounds its own way "
                                           "(down, the remainder to the first part), so "
                                           "pass the two sizes.",
    "every sample is in exactly one part": "Split a permutation of the indices: no sample "
                                           "may be lost or used twice.",
    "the same seed gives the same split": "Pass generator=torch.Generator().manual_seed("
                                          "seed) so the split depends on the seed only.",
    "another seed gives another split": "The split must depend on the seed.",
    "split_dataset leaves the global generator alone": "Do not call torch.manual_seed: give "
                                                       "random_split its own generator.",
}


@check(points=2, concept="a reproducible train/validation split", hints=[
    "Split twice with the same seed, after other code used the random numbers.",
    "random_split shuffles the indices with the global generator unless you pass "
    "generator=...; the validation part holds round(n * val_fraction) samples, and no sample "
    "may land in both parts.",
    "random_split(dataset, [n - n_val, n_val], generator=torch.Generator().manual_seed(seed))",
], docs=MANUAL + "data.html#torch.utils.data.random_split")
def split_reproducible(learner, ref, draw):
    for rounds_up in (True, False):
        n, fraction = split_sizes(draw, rounds_up)
        seed = draw.seed_value()
        expect_findings(*both(learner, ref, probe_split, n, fraction, seed),
                        context=f" ({n} samples, val_fraction={fraction})", advice=SPLIT_ADVICE)

