"""Real data that ships inside the torchdojo package, so every install (a checkout, a wheel, a
notebook kernel, a sandbox) can read it without a download.

``load_digits``: the UCI "Optical Recognition of Handwritten Digits" images (1,797 of them, 8x8
pixels), as scikit-learn ships them. Source, licence (CC BY 4.0) and attribution: README.md
beside this file.
"""

from __future__ import annotations

import gzip
import io
from functools import cache
from importlib.resources import files

import numpy as np

DIGITS_FILE = "digits.csv.gz"
DIGITS_COUNT = 1797
PIXEL_MAX = 16


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The digits as ``(images, labels)``: a uint8 array of shape (1797, 8, 8) with pixel values
    0..16, and a uint8 array of shape (1797,) with the digit (0..9) each image shows.

    Each call returns new arrays, so changing them changes nothing for the next caller.
    """
    images, labels = _digits()
    return images.copy(), labels.copy()


@cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    raw = gzip.decompress((files(__package__) / DIGITS_FILE).read_bytes())
    table = np.loadtxt(io.BytesIO(raw), delimiter=",", dtype=np.uint8, ndmin=2)
    if table.shape != (DIGITS_COUNT, 65) or table[:, :64].max() > PIXEL_MAX or \
            table[:, 64].max() > 9:
        raise ValueError(f"{DIGITS_FILE} is damaged: expected {DIGITS_COUNT} rows of 64 pixels "
                         f"(0..{PIXEL_MAX}) and a digit, got a table of shape {table.shape}")
    return table[:, :64].reshape(-1, 8, 8), table[:, 64].copy()
