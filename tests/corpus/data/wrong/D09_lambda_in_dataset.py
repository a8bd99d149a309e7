"""D9: the Dataset stores a lambda, which spawned DataLoader workers cannot unpickle.

check: workers_with_spawn
concept: pickling for worker processes
status: error
mentions: datasets that workers can pickle; pickle
"""
import torch
from torch.utils.data import Dataset


class ToyDataset(Dataset):
    def __init__(self, features, labels, transform=None):
        self.to_features = lambda rows: torch.as_tensor(rows, dtype=torch.float32)
        self.features = self.to_features(features)
        self.labels = torch.as_tensor(labels, dtype=torch.int64)
        self.transform = transform

    def __getitem__(self, index):
        x = self.features[index]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.labels[index]

    def __len__(self):
        return len(self.labels)
