"""einsum for both products, and transpose(0, 1)."""
import torch


def gram(matrix):
    return torch.einsum("ik,jk->ij", matrix, matrix)


def batch_matmul(a, b):
    return torch.einsum("bmk,bkn->bmn", a, b)
