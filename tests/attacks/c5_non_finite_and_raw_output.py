"""c5: every number the learner returns is NaN or infinite (tensors, floats, sizes), and what it
prints goes straight to file descriptors 1 and 2 (below Python's streams, from a thread that
keeps writing while checks run, and at exit): NUL, terminal escapes, a lone CR, 3 MiB of it.
Every report stays valid for its format (no NaN or Infinity in JSON), caps the output, and
shows the text without acting on it.

via: paths
class: 5
base: stub
lose: all
"""
import atexit
import os
import threading

import torch

RAW = b"\x00\x1b[2J\x1b]0;pwned\x07\r\x1b[1A\x9b31m NaN Infinity -Infinity \xc2\x85 \xe2\x80\xae"
os.write(1, RAW * 100_000)  # about 3 MiB, unbuffered, where Python's capture never sees it
os.write(2, RAW * 1000)


def _keep_writing():
    for _ in range(200):
        try:
            os.write(1, RAW)
            os.write(2, RAW)
        except OSError:
            return
        threading.Event().wait(0.01)


threading.Thread(target=_keep_writing, daemon=True).start()
atexit.register(os.write, 2, RAW * 1000)

NAN, INF = float("nan"), float("inf")


def scalar(value):
    return torch.tensor(NAN)


def from_data(data):
    return torch.full((2, 3), INF)


def labels_tensor(labels):
    return torch.tensor([NAN, -INF, INF])


def describe(x):
    return {"shape": [NAN], "dtype": INF, "device": -INF, "ndim": NAN, "numel": INF}


def gram(matrix):
    return torch.full((matrix.shape[1], matrix.shape[1]), NAN)


def batch_matmul(a, b):
    return torch.full((a.shape[0], a.shape[1], b.shape[2]), -INF)


def steps(start, end, step):
    return torch.tensor([NAN] * 3)


def evenly_spaced(start, end, count):
    return torch.full((count,), INF)
