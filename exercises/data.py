"""Data: a custom Dataset, DataLoaders that batch and shuffle it, transforms and a split.

The checks build your classes and loaders in your sandbox and look at what comes out: the
samples, the batches (their dtypes, sizes and order), how often a transform runs, and whether
a loader still works when its batches are prepared by worker processes started with "spawn"
(the default on macOS and Windows), which must pickle your dataset to send it to them.
"""

import torch
from torch.utils.data import DataLoader, Dataset

# The toy data of the introduction: 5 training points and 2 test points, 2 features each.
X_TRAIN = torch.tensor([[-1.2, 3.1], [-0.9, 2.9], [-0.5, 2.6], [2.3, -1.1], [2.7, -1.5]])
Y_TRAIN = torch.tensor([0, 0, 0, 1, 1])
X_TEST = torch.tensor([[-0.8, 2.8], [2.6, -1.6]])
Y_TEST = torch.tensor([0, 1])


class ToyDataset(Dataset):
    """Samples `(x, y)` from a table of features and a list of class labels.

    `features` is a 2-d table of numbers with one row per sample: a NumPy array (often
    float64, as read from a CSV file), a tensor or a nested list. `labels` holds one integer
    class label per sample: a NumPy integer array of any integer dtype, a tensor or a list.
    `transform`, when given, is a function applied to each sample's features every time the
    sample is read (so a random augmentation gives a new result each time).

    - `len(dataset)` is the number of samples, as an int.
    - `dataset[i]` is a pair `(x, y)`: `x` a float32 tensor of shape (F,) (after
      `transform(x)` when there is a transform), `y` a 0-d int64 tensor (a Python int also
      works: the DataLoader turns ints into int64).

    Keep the dataset picklable: no lambdas or local functions stored on it, so DataLoader
    workers started with "spawn" can receive it.
    """

    def __init__(self, features, labels, transform=None):
        # YOUR CODE HERE
        raise NotImplementedError()

    def __getitem__(self, index: int):
        # YOUR CODE HERE
        raise NotImplementedError()

    def __len__(self) -> int:
        # YOUR CODE HERE
        raise NotImplementedError()


def toy_datasets() -> tuple[Dataset, Dataset]:
    """Return `(train_ds, test_ds)`: ToyDatasets of the introduction's data above."""
    # YOUR CODE HERE
    raise NotImplementedError()


def make_loaders(train_ds: Dataset, val_ds: Dataset, batch_size: int, seed: int,
                 num_workers: int = 0) -> tuple[DataLoader, DataLoader]:
    """Return `(train_loader, val_loader)`, both with `batch_size` and `num_workers`.

    - The training loader reshuffles the samples every epoch, in an order that depends only
      on `seed`: the same seed gives the same order, whatever other code does with the global
      random number generator, which you must leave untouched. It drops the last batch when
      that batch would be smaller than `batch_size`.
    - The validation loader keeps the samples in order and keeps every sample: its last
      batch may be smaller.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def make_transforms(mean: torch.Tensor, std: torch.Tensor, noise_std: float):
    """Return `(train_transform, val_transform)`, two functions of one sample's features.

    Each takes a float32 tensor `x` of shape (F,) and returns a new float32 tensor of the
    same shape; `mean` and `std` are float32 tensors of shape (F,).

    - `val_transform(x)` standardizes: `(x - mean) / std`. It is deterministic: the same `x`
      always gives the same result.
    - `train_transform(x)` standardizes the same way, then adds augmentation noise: fresh
      normal noise with standard deviation `noise_std`, drawn from torch's global random
      number generator on every call.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def split_dataset(dataset: Dataset, val_fraction: float, seed: int) -> tuple[Dataset, Dataset]:
    """Split `dataset` at random into `(train_part, val_part)`, reproducibly.

    `val_part` holds `round(len(dataset) * val_fraction)` samples and `train_part` the rest;
    every sample lands in exactly one part. The split depends only on `seed` (the same seed
    gives the same split; leave the global random number generator untouched).
    """
    # YOUR CODE HERE
    raise NotImplementedError()
