"""NumPy storage converted per sample, Python int labels, a RandomSampler with its own
generator, transforms as top-level classes, and a split from randperm + Subset."""
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, RandomSampler, Subset


class ToyDataset(Dataset):
    def __init__(self, features, labels, transform=None):
        self.rows = np.asarray(features, dtype=np.float64)
        self.targets = [int(v) for v in np.asarray(labels).reshape(-1)]
        self.transform = transform

    def __len__(self):
        return self.rows.shape[0]

    def __getitem__(self, index):
        x = torch.tensor(self.rows[index], dtype=torch.float32)
        return (self.transform(x) if self.transform else x), self.targets[index]


def make_loaders(train_ds, val_ds, batch_size, seed, num_workers=0):
    sampler = RandomSampler(train_ds, generator=torch.Generator().manual_seed(seed))
    train_loader = DataLoader(train_ds, batch_size=batch_size, sampler=sampler, drop_last=True,
                              num_workers=num_workers)
    val_loader = DataLoader(val_ds, batch_size=batch_size, num_workers=num_workers)
    return train_loader, val_loader


class Standardize:
    def __init__(self, mean, std):
        self.mean, self.std = mean, std

    def __call__(self, x):
        return (x - self.mean) / self.std


class StandardizeAndJitter(Standardize):
    def __init__(self, mean, std, noise_std):
        super().__init__(mean, std)
        self.noise_std = noise_std

    def __call__(self, x):
        return super().__call__(x) + torch.normal(0.0, self.noise_std, size=x.shape)


def make_transforms(mean, std, noise_std):
    return StandardizeAndJitter(mean, std, noise_std), Standardize(mean, std)


def split_dataset(dataset, val_fraction, seed):
    order = torch.randperm(len(dataset), generator=torch.Generator().manual_seed(seed))
    n_val = round(len(dataset) * val_fraction)
    return Subset(dataset, order[n_val:].tolist()), Subset(dataset, order[:n_val].tolist())
