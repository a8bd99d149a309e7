"""The dataset answers every read with zeros of the right dtype and shape and counts its
samples right; the loaders, transforms and split return objects of the right types that hold
those zeros, so only the values give them away."""
import torch
from torch.utils.data import DataLoader, Dataset, Subset


class ToyDataset(Dataset):
    def __init__(self, features, labels, transform=None):
        self.rows = len(labels)
        self.width = len(features[0])

    def __getitem__(self, index):
        return torch.zeros(self.width), torch.tensor(0)

    def __len__(self):
        return self.rows


def toy_datasets():
    return ToyDataset([[0.0, 0.0]] * 5, [0] * 5), ToyDataset([[0.0, 0.0]] * 2, [0] * 2)


def make_loaders(train_ds, val_ds, batch_size, seed, num_workers=0):
    zeros = ToyDataset([[0.0] * len(train_ds[0][0])], [0])
    return DataLoader(zeros, batch_size=batch_size), DataLoader(zeros, batch_size=batch_size)


def make_transforms(mean, std, noise_std):
    def zeros(x):
        return torch.zeros_like(x)

    return zeros, zeros


def split_dataset(dataset, val_fraction, seed):
    n_val = round(len(dataset) * val_fraction)
    return Subset(dataset, [0] * (len(dataset) - n_val)), Subset(dataset, [0] * n_val)
