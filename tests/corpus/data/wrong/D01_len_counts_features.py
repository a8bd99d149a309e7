"""D1: __len__ counts the features of a row (the columns) instead of the samples.

check: dataset_length
mentions: __len__ is the number of samples; one per row
also: intro_toy_dataset; collated_batches; workers_with_spawn
"""
import torch
from torch.utils.data import Dataset


class ToyDataset(Dataset):
    def __init__(self, features, labels, transform=None):
        self.features = torch.as_tensor(features, dtype=torch.float32)
        self.labels = torch.as_tensor(labels, dtype=torch.int64)
        self.transform = transform

    def __getitem__(self, index):
        x = self.features[index]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.labels[index]

    def __len__(self):
        return self.features.shape[1]
