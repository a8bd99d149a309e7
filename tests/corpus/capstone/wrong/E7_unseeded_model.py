"""E7/E8: make_model ignores its seed, so the initial weights depend on whatever random
numbers were drawn before.

check: seeded_model
mentions: seeded initialisation; torch.manual_seed(seed)
also: reproducible_with_seed
"""
from torch import nn


def make_model(seed):
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.2),
                         nn.Linear(128, CLASSES))
