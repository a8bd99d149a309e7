"""D3: __getitem__ returns the features as a Python list, which default_collate turns into a
list of tensors (one per feature) instead of one (batch, features) tensor.

check: collated_batches
mentions: collated batches: float32 features, int64 labels; is a list
also: intro_toy_dataset; dataset_items; transform_on_every_access; workers_with_spawn
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
        return x.tolist(), self.labels[index]

    def __len__(self):
        return len(self.labels)
