"""torch.normal with a generator, matmul/einsum/bmm, size() and dim()."""
import torch


def random_matrix(rows, cols, seed):
    g = torch.Generator()
    g.manual_seed(seed)
    return torch.normal(0.0, 1.0, size=(rows, cols), generator=g)


def random_labels(n, num_classes, seed):
    g = torch.Generator()
    g.manual_seed(seed)
    return torch.randint(num_classes, size=(n,), generator=g, dtype=torch.int64)


def describe(x):
    return {"shape": x.size(), "dtype": x.dtype, "device": x.device, "ndim": x.dim(),
            "numel": x.nelement()}


def gram(matrix):
    return torch.matmul(matrix, matrix.t())


def batch_matmul(a, b):
    return torch.bmm(a, b)
