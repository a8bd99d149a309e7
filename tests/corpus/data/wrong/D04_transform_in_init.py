"""D4: the transform is applied once to the whole table in __init__, freezing augmentation.

check: transform_on_every_access
mentions: transforms run in __getitem__
"""
import torch
from torch.utils.data import Dataset


class ToyDataset(Dataset):
    def __init__(self, features, labels, transform=None):
        self.features = torch.as_tensor(features, dtype=torch.float32)
        if transform is not None:
            self.features = torch.stack([transform(x) for x in self.features])
        self.labels = torch.as_tensor(labels, dtype=torch.int64)

    def __getitem__(self, index):
        return self.features[index], self.labels[index]

    def __len__(self):
        return len(self.labels)
