"""The capstone: its shipped data, its split, and a failing training run that fails every check
reading it (answers of constants: tests/corpus/capstone/constant/)."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import io
from importlib.resources import files

import numpy as np
import pytest

from tests.conftest import ROOT, solution
from torchdojo.datasets import load_digits
from torchdojo.engine.report import Status

DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
RUN_CHECKS = {"loss_curve_falls", "losses_are_floats", "losses_are_cross_entropy",
              "gradients_cleared", "reshuffled_each_epoch", "train_mode_for_training",
              "eval_mode_for_measuring", "no_grad_for_measuring", "evaluate_measures_accuracy",
              "validates_on_validation_data", "predict_prepares_like_training",
              "reproducible_with_seed", "accuracy_learns", "accuracy_good", "accuracy_excellent"}


def test_the_digits_file_is_the_uci_data_unchanged():
    raw = (files("torchdojo.datasets") / "digits.csv.gz").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == DIGITS_SHA256
    table = np.loadtxt(io.BytesIO(gzip.decompress(raw)), delimiter=",")
    assert table.shape == (1797, 65)
    assert (table == table.round()).all() and table[:, :64].min() == 0
    assert table[:, :64].max() == 16
    assert np.bincount(table[:, 64].astype(int)).tolist() == [178, 182, 177, 183, 181, 182,
                                                              181, 179, 174, 180]


def test_load_digits_gives_new_uint8_arrays_each_call():
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    assert labels.shape == (1797,) and labels.dtype == np.uint8
    images[0] = 99
    assert load_digits()[0][0].max() <= 16


@pytest.fixture(scope="module")
def grader():
    spec = importlib.util.spec_from_file_location("capstone_grader",
                                                  ROOT / "graders" / "capstone.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_split_sends_no_test_labels(grader):
    plan = grader.draw_plan(7)
    sent = plan.data
    assert set(sent) == {"train_images", "train_labels", "val_images", "val_labels",
                         "test_images"}
    sizes = [len(sent["train_images"]), len(sent["val_images"]), len(sent["test_images"])]
    assert sizes == [1257, 180, 360]
    images, labels = load_digits()
    # every image lands in exactly one part, and the labels kept here are the test images'
    rows = {bytes(image) for part in ("train_images", "val_images", "test_images")
            for image in sent[part]}
    assert len(rows) == len({bytes(image) for image in images})
    lookup = {bytes(image): int(label) for image, label in zip(images, labels, strict=True)}
    assert [lookup[bytes(image)] for image in sent["test_images"]] == \
        plan.test_labels.tolist()
    assert grader.draw_plan(7).seed == plan.seed and grader.draw_plan(8).seed != plan.seed


def test_a_train_that_raises_gives_every_run_check_that_error(grade_files):
    broken = solution("capstone") + '''

def train(model, train_ds, val_ds, epochs, seed):
    raise ValueError("no data today")
'''
    report = grade_files({"capstone": broken}, seed=3)
    checks = {c.name: c for c in report.checks}
    for name in RUN_CHECKS - {"reproducible_with_seed"}:
        assert checks[name].status is Status.ERROR, (name, checks[name].message)
        assert "no data today" in checks[name].message
        assert "training run" in checks[name].message
    assert checks["reproducible_with_seed"].status is Status.ERROR
    assert all(checks[n].passed for n in ("dataset_samples", "model_gives_logits",
                                          "seeded_model"))
