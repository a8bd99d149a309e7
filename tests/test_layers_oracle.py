"""The layers grader's weight-decay oracle is torch.optim.SGD(weight_decay=...), written out.

The grader spells SGD's update out so the grading process never loads the optimizer's compiler;
here the real optimizer runs beside it and both must end at the same parameters.
"""

from __future__ import annotations

import importlib.util

import pytest
import torch
from torch import nn

from tests.conftest import ROOT


def _grader():
    spec = importlib.util.spec_from_file_location("layers_grader", ROOT / "graders" / "layers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("weight_decay", [0.05, 0.2])
def test_written_out_sgd_matches_torch_optim(weight_decay):
    gen = torch.Generator().manual_seed(3)
    state = {"weight": torch.randn(3, 5, generator=gen), "bias": torch.randn(3, generator=gen)}
    x, y = torch.randn(8, 5, generator=gen), torch.randn(8, 3, generator=gen)
    oracle = _grader().sgd_weight_decay(state, x, y, 0.1, weight_decay, 4)
    model = nn.Linear(5, 3)
    model.load_state_dict(state)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=weight_decay)
    for _ in range(4):
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
    for name, value in model.state_dict().items():
        torch.testing.assert_close(oracle["parameters after training"][name], value)
