"""E16: `*` multiplies element by element; with a (2, 3) matrix and its transpose it cannot.

check: matmul_transpose
status: error
mentions: matrix multiplication; broadcasting
"""


def gram(matrix):
    return matrix * matrix.T
