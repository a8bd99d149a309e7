"""The extending grader's gradcheck agrees with torch.autograd.gradcheck.

The grader cannot run a learner's Function in its own process, so it compares the products the
sandbox sends back with finite differences it takes of the task's formula. Here, where running
the Functions is allowed, torch.autograd.gradcheck judges the reference and every corpus case
that gets a gradient wrong, and the grader's comparison must reach the same verdict.
"""

from __future__ import annotations

import importlib.util
import types

import pytest
import torch

from tests.conftest import ROOT
from tests.corpus import cases

GRADIENT_CASES = [c for c in cases("wrong", "extending") if c.check == "function_gradcheck"
                  and c.status == "failed"]


def _module(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, name, "exec"), module.__dict__)
    return module


def _grader() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("extending_grader",
                                                  ROOT / "graders" / "extending.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _verdicts(function: type, beta: float = 1.5) -> tuple[bool, bool]:
    """(torch.autograd.gradcheck's verdict, the grader's verdict) on the same float64 points."""
    grader = _grader()
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(4, 3, dtype=torch.float64, generator=gen, requires_grad=True)
    w = torch.randn(3, dtype=torch.float64, generator=gen, requires_grad=True)
    by_torch = torch.autograd.gradcheck(lambda a, b: function.apply(a, b, beta), (x, w),
                                        raise_exception=False)
    cotangents = [torch.randn(4, 3, dtype=torch.float64, generator=gen) for _ in range(3)]
    y = function.apply(x, w, beta)
    products = [torch.autograd.grad(y, (x, w), u, retain_graph=True) for u in cotangents]
    oracle = grader.numeric_vjps(lambda a, b: grader.weighted_softplus(a, b, beta), [x, w],
                                 cotangents)
    by_grader = all(torch.allclose(got, want, **grader.GRADCHECK_TOL)
                    for got_pair, want_pair in zip(products, oracle, strict=True)
                    for got, want in zip(got_pair, want_pair, strict=True))
    return by_torch, by_grader


def test_reference_passes_both():
    reference = _module("reference", (ROOT / "solutions" / "extending.py").read_text())
    assert _verdicts(reference.WeightedSoftplus) == (True, True)


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=[c.id for c in GRADIENT_CASES])
def test_wrong_gradients_fail_both(case):
    wrong = _module(case.id, case.source())
    assert _verdicts(wrong.WeightedSoftplus) == (False, False)
