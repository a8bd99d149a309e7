"""Every function returns zeros (or a fixed description) of the right type, shape and dtype;
the NumPy bridges share or copy memory as asked, but hold the wrong numbers."""
import numpy as np
import torch


def scalar(value):
    return torch.tensor(0.0)


def from_data(data):
    return torch.zeros_like(torch.tensor(data))


def labels_tensor(labels):
    return torch.zeros(len(labels), dtype=torch.int64)


def share_numpy(array):
    array[...] = 0
    return torch.from_numpy(array)


def copy_numpy(array):
    return torch.zeros(array.shape, dtype=torch.from_numpy(np.asarray(array)).dtype)


def features_from_numpy(array):
    return torch.zeros(array.shape, dtype=torch.float32)


def zeros_like_input(x):
    return torch.ones_like(x)


def new_filled(x, shape, value):
    return x.new_zeros(shape)


def steps(start, end, step):
    return torch.zeros(len(torch.arange(start, end, step)))


def evenly_spaced(start, end, count):
    return torch.zeros(count)


def full_of(shape, value):
    return torch.zeros(shape)


def random_matrix(rows, cols, seed):
    return torch.zeros(rows, cols)


def random_labels(n, num_classes, seed):
    return torch.zeros(n, dtype=torch.int64)


def describe(x):
    return {"shape": torch.Size([1]), "dtype": torch.float32, "device": torch.device("cpu"),
            "ndim": 1, "numel": 1}


def gram(matrix):
    return matrix.new_zeros(len(matrix), len(matrix))


def batch_matmul(a, b):
    return a.new_zeros(a.shape[0], a.shape[1], b.shape[2])
