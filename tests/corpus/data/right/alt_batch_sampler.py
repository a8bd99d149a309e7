"""A BatchSampler over a seeded RandomSampler, SequentialSampler for validation, tensors
converted with .float()/.long(), functools.partial transforms and the validation size rounded
by hand."""
from functools import partial

import torch
from torch.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    RandomSampler,
    SequentialSampler,
    random_split,
)


class ToyDataset(Dataset):
    def __init__(self, features, labels, transform=None):
        self.x = torch.tensor(features).float()
        self.y = torch.tensor(labels).long()
        self.transform = transform

    def __len__(self):
        return self.y.shape[0]

    def __getitem__(self, index):
        x = self.x[index]
        return (x if self.transform is None else self.transform(x)), self.y[index]


def make_loaders(train_ds, val_ds, batch_size, seed, num_workers=0):
    generator = torch.Generator()
    generator.manual_seed(seed)
    batches = BatchSampler(RandomSampler(train_ds, generator=generator), batch_size,
                           drop_last=True)
    train_loader = DataLoader(train_ds, batch_sampler=batches, num_workers=num_workers)
    val_loader = DataLoader(val_ds, batch_sampler=BatchSampler(
        SequentialSampler(val_ds), batch_size, drop_last=False), num_workers=num_workers)
    return train_loader, val_loader


def _standardize(x, mean, std):
    return (x - mean) / std


def _jitter(x, mean, std, noise_std):
    return _standardize(x, mean, std) + torch.randn(x.shape) * noise_std


def make_transforms(mean, std, noise_std):
    return (partial(_jitter, mean=mean, std=std, noise_std=noise_std),
            partial(_standardize, mean=mean, std=std))


def split_dataset(dataset, val_fraction, seed):
    n_val = int(len(dataset) * val_fraction + 0.5)
    train_part, val_part = random_split(dataset, [len(dataset) - n_val, n_val],
                                        generator=torch.Generator().manual_seed(seed))
    return train_part, val_part
