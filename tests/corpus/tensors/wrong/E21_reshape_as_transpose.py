"""E21: reshape(n, m) keeps memory order, so it is not the transpose of a non-square matrix.

check: matmul_transpose
status: failed
mentions: matrix multiplication; values
"""


def gram(matrix):
    rows, cols = matrix.shape
    return matrix @ matrix.reshape(cols, rows)
