"""SGD with momentum and no Dropout, batches of 64, zero_grad after step (as right as before
backward), model.zero_grad, a manual validation loop and one model call per predict batch."""
import torch
from torch import nn


class DigitsDataset(Dataset):
    def __init__(self, images, labels):
        self.images = [torch.tensor(image, dtype=torch.float32).unsqueeze(0) / PIXEL_MAX
                       for image in images]
        self.labels = [torch.tensor(int(label)) for label in labels]

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        return self.images[index], self.labels[index]


def make_model(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 96), nn.Tanh(), nn.Linear(96, 10))


def evaluate(model, dataset):
    was_training = model.training
    model.train(False)
    correct = 0
    with torch.no_grad():
        for x, y in DataLoader(dataset, batch_size=50, shuffle=False):
            correct += int((model(x).argmax(dim=1) == y).sum())
    model.train(was_training)
    return float(correct / len(dataset))


def train(model, train_ds, val_ds, epochs, seed):
    torch.manual_seed(seed)
    loader = DataLoader(train_ds, batch_size=64, shuffle=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    criterion = nn.CrossEntropyLoss(reduction="sum")
    losses, accuracies = [], []
    for _ in range(epochs):
        model.train()
        total = 0.0
        for x, y in loader:
            loss = criterion(model(x), y)
            (loss / len(y)).backward()
            optimizer.step()
            model.zero_grad(set_to_none=False)
            total += loss.item()
        losses.append(total / len(train_ds))
        accuracies.append(evaluate(model, val_ds))
    return {"val_accuracy": accuracies, "train_loss": losses}


def predict(model, images):
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(images), 100):
            chunk = torch.tensor(images[start:start + 100], dtype=torch.float32) / PIXEL_MAX
            out.append(model(chunk.unsqueeze(1)).argmax(dim=1))
    return torch.cat(out)
