"""Capstone: train a handwritten-digit classifier on real data, from the Dataset to the test set.

The data is the UCI "Optical Recognition of Handwritten Digits" set (E. Alpaydin and
C. Kaynak, 1998; CC BY 4.0): 1,797 grayscale images of 8x8 pixels, each pixel a count from 0 to
16, and the digit 0-9 each one shows. `load_digits()` returns them as two uint8 NumPy arrays,
`images` of shape (1797, 8, 8) and `labels` of shape (1797,).

You write the whole pipeline with what the course taught: a Dataset, a model, a training loop
that validates after every epoch, and the prediction on new images. The design of the model
and the choice of optimizer, learning rate and batch size are yours. The grader splits the
images at random (from the run's seed) into 1,257 for training, 180 for validation and 360 for
a held-out test: it hands your code the training and validation images with their labels, and
the test images *without* them; it scores your predictions itself. Then it checks:

- the held-out accuracy, in levels with their own points (the reference reaches about 97%);
- the loss curve: one mean cross-entropy per epoch, finite, falling, and matching the
  trained model's actual cross-entropy (so: on the logits, per sample);
- the loop: gradients cleared before every step, the data reshuffled every epoch, training
  forward passes in train() mode, and every other forward pass in eval() mode under no_grad;
- that validation measures the validation data, which training never sees, and that predict
  prepares images as your Dataset does;
- reproducibility: the same seed gives the same weights, the same losses and the same
  predictions, whatever random numbers other code drew before.

Each training run gets EPOCHS epochs and must finish within a minute on one CPU core (the
reference takes about a second). predict and evaluate may be handed a model that is still in
training mode. To try your code as the grader does, call `try_it()`: in a notebook cell, or
from this folder with `python -c "import capstone; capstone.try_it()"`.
"""

import numpy as np
import torch
import torch.nn.functional as F  # noqa: F401 (for your code)
from torch import nn
from torch.utils.data import DataLoader, Dataset

from torchdojo.datasets import load_digits

EPOCHS = 15
CLASSES = 10
PIXEL_MAX = 16


class DigitsDataset(Dataset):
    """Digit images and their labels, as samples a DataLoader can batch.

    `images` is a uint8 NumPy array of shape (N, 8, 8) with pixel values 0..16; `labels` a
    uint8 NumPy array of shape (N,) with the digits 0..9.

    - `len(dataset)` is N.
    - `dataset[i]` is a pair `(x, y)`: `x` the i-th image as a float32 tensor of shape
      (1, 8, 8) (one channel, like a grayscale picture) with its pixels scaled to [0, 1]
      (divided by PIXEL_MAX); `y` its digit as a 0-d int64 tensor.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray):
        ### BEGIN SOLUTION
        pixels = torch.as_tensor(images, dtype=torch.float32) / PIXEL_MAX
        self.images = pixels.unsqueeze(1)
        self.labels = torch.as_tensor(labels, dtype=torch.int64)
        ### END SOLUTION

    def __len__(self) -> int:
        ### BEGIN SOLUTION
        return len(self.labels)
        ### END SOLUTION

    def __getitem__(self, index: int):
        ### BEGIN SOLUTION
        return self.images[index], self.labels[index]
        ### END SOLUTION


def make_model(seed: int) -> nn.Module:
    """Return a new, untrained classifier of your design.

    It takes a float32 batch of shape (B, 1, 8, 8), as a DataLoader over DigitsDataset yields
    it, and returns *logits* of shape (B, 10), one row of raw class scores per image (no
    softmax: CrossEntropyLoss applies log-softmax itself). Any batch size B must work.

    Its initial weights depend only on `seed`: the same seed gives the same weights every
    time, whatever random numbers were drawn before the call.
    """
    ### BEGIN SOLUTION
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(64, 128),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(128, CLASSES),
    )
    ### END SOLUTION


def evaluate(model: nn.Module, dataset: Dataset) -> float:
    """Return the accuracy of `model` on `dataset` (a DigitsDataset): the fraction of its
    samples whose highest logit is at the true digit, as a Python float.

    Measure the model as it will be used: in evaluation mode (Dropout off), without tracking
    gradients, and without changing its parameters.
    """
    ### BEGIN SOLUTION
    model.eval()
    correct = 0
    with torch.no_grad():
        for x, y in DataLoader(dataset, batch_size=256):
            correct += (model(x).argmax(dim=1) == y).sum().item()
    return correct / len(dataset)
    ### END SOLUTION


def train(model: nn.Module, train_ds: Dataset, val_ds: Dataset, epochs: int,
          seed: int) -> dict:
    """Train `model` on `train_ds` for `epochs` epochs, validating on `val_ds` after each one.

    Pick the optimizer, learning rate and batch size; use `nn.CrossEntropyLoss` on the logits.
    Every epoch visits each training sample once, in a new random order, one optimizer step
    per batch with this batch's gradients only. After each epoch, measure the validation
    accuracy as `evaluate` does.

    Everything random here (the order of the samples, Dropout's masks) depends only on
    `seed`: the same seed and the same initial weights give the same training, whatever
    random numbers were drawn before the call.

    Return `{"train_loss": [...], "val_accuracy": [...]}`, one Python float per epoch in each:
    the epoch's mean cross-entropy per training sample (batch losses weighted by batch size)
    and the validation accuracy after that epoch.
    """
    ### BEGIN SOLUTION
    torch.manual_seed(seed)  # Dropout's masks
    loader = DataLoader(train_ds, batch_size=32, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    history = {"train_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        model.train()
        total = 0.0
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        history["train_loss"].append(total / len(train_ds))
        history["val_accuracy"].append(evaluate(model, val_ds))
    return history
    ### END SOLUTION


def predict(model: nn.Module, images: np.ndarray) -> torch.Tensor:
    """Return the digit `model` predicts for each image, as an int64 tensor of shape (N,).

    `images` is a uint8 NumPy array of shape (N, 8, 8), like the ones DigitsDataset takes:
    prepare them exactly as DigitsDataset does before the model sees them. Predict in
    evaluation mode, without tracking gradients.
    """
    ### BEGIN SOLUTION
    x = torch.as_tensor(images, dtype=torch.float32).unsqueeze(1) / PIXEL_MAX
    model.eval()
    with torch.no_grad():
        return model(x).argmax(dim=1)
    ### END SOLUTION


def try_it(seed: int = 0, epochs: int = EPOCHS) -> float:
    """Train on a random split of the digits as the grader does, print what happened and
    return the accuracy on the held-out images."""
    images, labels = load_digits()
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed)).numpy()
    test, val, train_part = order[:360], order[360:540], order[540:]
    model = make_model(seed)
    history = train(model, DigitsDataset(images[train_part], labels[train_part]),
                    DigitsDataset(images[val], labels[val]), epochs, seed)
    predicted = predict(model, images[test])
    accuracy = (predicted == torch.as_tensor(labels[test], dtype=torch.int64)).float().mean()
    print("train loss  ", " ".join(f"{v:.3f}" for v in history["train_loss"]))
    print("val accuracy", " ".join(f"{v:.3f}" for v in history["val_accuracy"]))
    print(f"test accuracy {accuracy.item():.3f} on {len(test)} held-out images")
    return accuracy.item()
