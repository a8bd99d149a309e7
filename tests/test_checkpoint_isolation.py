"""Checkpoint files stay in the sandbox: the grading process never unpickles one, and the canary
checkpoint really runs code when a learner loads it unsafely."""

from __future__ import annotations

from pathlib import Path

import torch

from tests.conftest import solution
from tests.corpus import cases


def _refuse(*args, **kwargs):
    raise AssertionError("the grading process must never load a checkpoint")


def test_grading_checkpoints_never_unpickles_in_the_grading_process(grade_files, monkeypatch):
    before = sorted(Path.cwd().iterdir())
    monkeypatch.setattr(torch, "load", _refuse)
    monkeypatch.setattr(torch.serialization, "load", _refuse)
    report = grade_files({"checkpoints": solution("checkpoints")}, seed=5)
    assert report.score == report.max_score > 0 and not report.fault
    assert sorted(Path.cwd().iterdir()) == before, "no file may appear in the grader's cwd"


def test_the_canary_fires_for_an_unsafe_loader(grade_files):
    unsafe = next(c for c in cases("wrong", "checkpoints") if c.path.stem.startswith("D3"))
    report = grade_files({"checkpoints": unsafe.source()}, seed=5)
    safe = {c.name: c for c in report.checks}["safe_load_checkpoint"]
    assert not safe.passed and "['code ran'] is True" in safe.message
