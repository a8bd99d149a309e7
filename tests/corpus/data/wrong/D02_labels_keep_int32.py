"""D2: labels converted with torch.as_tensor(labels), keeping NumPy's int32, so batches carry
int32 labels that CrossEntropyLoss rejects.

check: collated_batches
concept: samples as float32 features and int64 labels
mentions: samples as float32 features and int64 labels; int32; int64
also: dataset_items; workers_with_spawn
"""
import torch
from torch.utils.data import Dataset


class ToyDataset(Dataset):
    def __init__(self, features, labels, transform=None):
        self.features = torch.as_tensor(features, dtype=torch.float32)
        self.labels = torch.as_tensor(labels)
        self.transform = transform

    def __getitem__(self, index):
        x = self.features[index]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.labels[index]

    def __len__(self):
        return len(self.labels)
