"""from_numpy on a float32 copy, labels as a 1-d LongTensor, a generator handed to both loaders,
torch.normal noise, and a split that puts the validation part first in a permutation."""
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, Subset


class ToyDataset(Dataset):
    def __init__(self, features, labels, transform=None):
        self.features = torch.from_numpy(np.array(features, dtype=np.float32))
        self.labels = torch.from_numpy(np.array(labels, dtype=np.int64))
        self.transform = transform

    def __len__(self):
        return int(self.features.size(0))

    def __getitem__(self, index):
        sample = self.features[index].clone()
        if self.transform:
            sample = self.transform(sample)
        return sample, self.labels[index]


def make_loaders(train_ds, val_ds, batch_size, seed, num_workers=0):
    generator = torch.Generator().manual_seed(seed)
    options = {"batch_size": batch_size, "num_workers": num_workers}
    return (DataLoader(train_ds, shuffle=True, drop_last=True, generator=generator, **options),
            DataLoader(val_ds, shuffle=False, drop_last=False, **options))


def make_transforms(mean, std, noise_std):
    def val_transform(x):
        return (x - mean) / std

    def train_transform(x):
        return val_transform(x) + torch.normal(mean=torch.zeros_like(x), std=noise_std)

    return train_transform, val_transform


def split_dataset(dataset, val_fraction, seed):
    n = len(dataset)
    n_val = int(round(n * val_fraction))
    generator = torch.Generator().manual_seed(seed)
    permutation = torch.randperm(n, generator=generator).tolist()
    return Subset(dataset, permutation[n_val:]), Subset(dataset, permutation[:n_val])
