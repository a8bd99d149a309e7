"""Other constructors: as_tensor, LongTensor-style conversion, clone of a shared view."""
import torch


def scalar(value):
    return torch.as_tensor(float(value)).float()


def from_data(data):
    return torch.as_tensor(data)


def labels_tensor(labels):
    return torch.tensor(labels).long()


def share_numpy(array):
    return torch.as_tensor(array)


def copy_numpy(array):
    return torch.from_numpy(array).clone()


def features_from_numpy(array):
    return torch.tensor(array, dtype=torch.float32)
