"""Oracles: expected values computed in the grading process are kept per input, across grades."""

from __future__ import annotations

import torch

from torchdojo.checks import oracle
from torchdojo.engine import oracles

calls: list[tuple] = []


@oracle
def summed(x: torch.Tensor, passes: list, scale: float = 1.0) -> float:
    calls.append((x, passes, scale))
    return float(x.sum()) * scale + len(passes)


def test_an_oracle_runs_once_per_input_whatever_objects_hold_it():
    calls.clear()
    first = summed(torch.arange(4.0), [[0, 1], [1, 0]])
    again = summed(torch.arange(4.0), [[0, 1], [1, 0]])  # equal values, new objects
    assert first == again == 8.0 and len(calls) == 1
    assert summed(torch.arange(4.0), [[1, 0], [0, 1]]) == 8.0 and len(calls) == 2  # other order
    assert summed(torch.arange(4.0), [[0, 1], [1, 0]], scale=2.0) == 14.0 and len(calls) == 3
    assert summed(torch.arange(4.0).double(), [[0, 1], [1, 0]]) == 8.0 and len(calls) == 4


def test_oracles_keep_a_bounded_number_of_results(monkeypatch):
    monkeypatch.setattr(oracles, "LIMIT", 3)
    monkeypatch.setattr(oracles, "_kept", {})
    calls.clear()
    for k in range(5):
        summed(torch.tensor([float(k)]), [])
    assert len(oracles._kept) <= 3
    summed(torch.tensor([0.0]), [])  # dropped with the others when the limit was reached
    assert len(calls) == 6


def test_two_oracles_with_the_same_inputs_keep_their_own_results():
    @oracle
    def doubled(x: torch.Tensor, passes: list, scale: float = 1.0) -> float:
        return 2 * float(x.sum())

    assert doubled(torch.ones(2), []) == 4.0
    assert summed(torch.ones(2), []) == 2.0
