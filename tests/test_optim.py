"""The optim topic: constant answers score nothing, and the sweep it draws is always gradable."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import ROOT
from torchdojo.engine.draw import Draw
from torchdojo.engine.report import Status

# Every function returns a constant of the right type (or does nothing): no check may look
# only at types or properties.
CONSTANTS = '''
import torch


def sgd_step(params, lr):
    return None


def momentum_step(params, state, lr, momentum):
    return None


def adam_with_decoupled_decay(params, lr, weight_decay):
    return torch.optim.AdamW([torch.zeros(1, requires_grad=True)], lr=lr)


def grouped_adamw(model, lr, weight_decay):
    return torch.optim.AdamW([torch.zeros(1, requires_grad=True)], lr=lr)


def train_accumulated(model, micro_batches, loss_fn, optimizer, accumulate):
    return None


def clipped_step(model, x, y, loss_fn, optimizer, max_norm):
    return 1.0


def train_step_lr(model, batches, loss_fn, optimizer, epochs, step_size, gamma):
    return None


def train_warmup(model, batches, loss_fn, optimizer, warmup_steps):
    return None


def lr_sweep(x, y, w0, lrs, steps):
    return [[1.0, 0.5, 0.001]]


def classify_run(losses):
    return "converges"


def sweep_report(x, y, w0, lrs, steps):
    return ["diverges", "converges", "slow"]
'''


def test_constant_answers_score_nothing(grade_files):
    report = grade_files({"optim": CONSTANTS}, seed=11)
    assert not report.fault
    assert report.score == 0 and len(report.checks) >= 10
    odd = [(c.name, c.status.value) for c in report.checks
           if c.status not in (Status.FAILED, Status.ERROR)]
    assert not odd, odd


def _module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("first", [0, 1000])
def test_every_drawn_sweep_has_each_kind_of_rate_and_float32_agrees(first):
    grader = _module(ROOT / "graders" / "optim.py", "optim_grader_under_test")
    reference = _module(ROOT / "solutions" / "optim.py", "optim_reference_under_test")
    for seed in range(first, first + 15):
        sweep = grader.draw_sweep(Draw(seed))
        measured = [grader.label(c) for c in sweep.curves]
        assert sorted(measured) == sorted(["diverges", "converges", "slow"] * 2), seed
        # the learner runs in float32; the margins keep every label where float64 put it
        assert reference.sweep_report(*sweep.args) == measured, seed
