"""Batches of 48 with drop_last, BatchNorm, AdamW, gradient clipping (which scales this step's
gradients, nothing older) and a hand-written module; predict standardises nothing extra."""
import torch
from torch import nn


class DigitsDataset(Dataset):
    def __init__(self, images, labels):
        self.images = torch.as_tensor(images).to(torch.float32).reshape(-1, 1, 8, 8) / 16.0
        self.labels = torch.as_tensor(labels).to(torch.int64)

    def __len__(self):
        return int(self.images.shape[0])

    def __getitem__(self, index):
        return self.images[index].clone(), self.labels[index].clone()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(64, 128), nn.BatchNorm1d(128), nn.ReLU(),
                                  nn.Dropout(0.25))
        self.out = nn.Linear(128, 10)

    def forward(self, x):
        return self.out(self.body(x.reshape(x.shape[0], -1)))


def make_model(seed):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return Net()


def evaluate(model, dataset):
    model.eval()
    hits = 0
    with torch.no_grad():
        for x, y in DataLoader(dataset, batch_size=64):
            hits += (model(x).argmax(1) == y).sum().item()
    return hits / len(dataset)


def train(model, train_ds, val_ds, epochs, seed):
    torch.manual_seed(seed)
    loader = DataLoader(train_ds, batch_size=48, shuffle=True, drop_last=True,
                        generator=torch.Generator().manual_seed(seed + 1))
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    history = {"train_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        model.train()
        total, seen = 0.0, 0
        for x, y in loader:
            loss = nn.functional.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            total += loss.item() * len(x)
            seen += len(x)
        history["train_loss"].append(total / seen)
        history["val_accuracy"].append(evaluate(model, val_ds))
    return history


def predict(model, images):
    model.eval()
    with torch.no_grad():
        return model(DigitsDataset(images, [0] * len(images)).images).argmax(1)
