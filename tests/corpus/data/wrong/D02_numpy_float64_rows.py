"""D2: the NumPy table is kept as it is, so samples are float64 NumPy rows, not tensors.

check: dataset_items
mentions: samples as float32 features and int64 labels; numpy.ndarray
also: intro_toy_dataset; collated_batches; transform_on_every_access; workers_with_spawn
"""
import numpy as np
import torch
from torch.utils.data import Dataset


class ToyDataset(Dataset):
    def __init__(self, features, labels, transform=None):
        self.features = np.asarray(features)
        self.labels = torch.as_tensor(labels, dtype=torch.int64)
        self.transform = transform

    def __getitem__(self, index):
        x = self.features[index]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.labels[index]

    def __len__(self):
        return len(self.labels)
