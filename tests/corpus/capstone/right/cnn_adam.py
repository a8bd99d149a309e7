"""A small CNN trained with Adam: convolutions see the 8x8 images as images, and the
seeding is spread differently (a generator for the order, torch.manual_seed for Dropout)."""
import torch
import torch.nn.functional as F
from torch import nn


class DigitsDataset(Dataset):
    def __init__(self, images, labels):
        self.images = torch.from_numpy(images).float().div(PIXEL_MAX)[:, None]
        self.labels = torch.from_numpy(labels).long()

    def __len__(self):
        return self.labels.shape[0]

    def __getitem__(self, index):
        return self.images[index], self.labels[index]


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(32 * 2 * 2, CLASSES)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.head(self.drop(x.flatten(1)))


def make_model(seed):
    torch.manual_seed(seed)
    return SmallCNN()


def evaluate(model, dataset):
    model.eval()
    with torch.inference_mode():
        x = torch.stack([dataset[i][0] for i in range(len(dataset))])
        y = torch.stack([dataset[i][1] for i in range(len(dataset))])
        return (model(x).argmax(1) == y).float().mean().item()


def train(model, train_ds, val_ds, epochs, seed):
    generator = torch.Generator()
    generator.manual_seed(seed)
    torch.manual_seed(seed)
    loader = DataLoader(train_ds, batch_size=32, shuffle=True, generator=generator)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    history = {"train_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        model.train()
        total, seen = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * y.numel()
            seen += y.numel()
        history["train_loss"].append(total / seen)
        history["val_accuracy"].append(evaluate(model, val_ds))
    return history


def predict(model, images):
    x = torch.from_numpy(images).float().div(PIXEL_MAX)[:, None]
    model.eval()
    with torch.inference_mode():
        return model(x).argmax(dim=-1)
