"""Failure messages set what came back beside what was expected, compactly."""

from __future__ import annotations

import pytest
import torch

from tests.corpus import cases
from torchdojo.checks import as_data, expect
from torchdojo.compare import Mismatch


def mismatch(got, want, **options) -> Mismatch:
    with pytest.raises(Mismatch) as caught:
        expect(as_data(got), as_data(want), **options)
    return caught.value


def test_shape_mismatch_shows_both_tensors_summarised():
    miss = mismatch(torch.arange(6.0).reshape(2, 3), torch.arange(6.0).reshape(3, 2))
    assert miss.detail == "has shape (2, 3); expected (3, 2)."
    got, want = miss.diff.splitlines()
    assert got.split() == ["got", "tensor", "(2,", "3)", "float32", "on", "cpu", "[0.0,", "1.0,",
                           "2.0,", "3.0,", "…]"]
    assert want.split()[:4] == ["expected", "tensor", "(3,", "2)"]


def test_dtype_mismatch_shows_values_with_their_kind():
    miss = mismatch(torch.tensor([1.0, 2.0]), torch.tensor([1, 2]))
    assert miss.prop == "dtype"
    assert "float32 on cpu  [1.0, 2.0]" in miss.diff
    assert "int64 on cpu  [1, 2]" in miss.diff


def test_zero_d_summary_shows_the_value_alone():
    miss = mismatch(torch.tensor([2.5]), torch.tensor(2.5))
    assert miss.diff.splitlines()[1].endswith("tensor () float32 on cpu  2.5")


def test_values_mismatch_lists_a_few_differences_side_by_side():
    want = torch.arange(12.0).reshape(3, 4)
    got = want.clone()
    got[0, 1], got[1, 2], got[2, 0], got[2, 1], got[2, 3] = 7.25, -1.0, 5.0, 5.0, 100.0
    miss = mismatch(got, want)
    assert miss.detail.startswith("differs from the expected values in 5 of 12 elements; "
                                  "first at index (0, 1): got 7.25, expected 1.")
    lines = miss.diff.splitlines()
    assert lines[0].split() == ["index", "got", "expected", "difference"]
    assert lines[1].split() == ["(0,", "1)", "7.25", "1.0", "+6.25"]
    assert lines[2].split() == ["(1,", "2)", "-1.0", "6.0", "-7"]
    assert len(lines) == 5  # header, three rows, and a summary of the rest
    assert lines[4].strip() == ("… 2 more differ; largest difference at (2, 3): got 100.0, "
                                "expected 11.0")


def test_one_differing_element_needs_no_table():
    assert mismatch(torch.tensor([1, 2, 3]), torch.tensor([1, 2, 4])).diff == ""


def test_booleans_have_no_difference_column_and_nan_is_shown():
    miss = mismatch(torch.tensor([True, False, False]), torch.tensor([True, True, True]))
    assert miss.diff.splitlines()[0].split() == ["index", "got", "expected"]
    miss = mismatch(torch.tensor([float("nan"), 1.0]), torch.tensor([1.0, 2.0]))
    assert miss.diff.splitlines()[1].split() == ["(0,)", "nan", "1.0", "nan"]


def test_graded_message_carries_the_diff_between_detail_and_advice(grade_files):
    case = next(c for c in cases("wrong", "tensors") if c.path.stem == "T01_tensor_ctor_for_scalar")
    report = grade_files({"tensors": case.source()}, seed=5)
    check = next(c for c in report.checks if c.name == case.check)
    lines = check.message.splitlines()
    assert "has shape (1,); expected ()." in lines[0]
    assert lines[1].split()[:2] == ["got", "tensor"]
    assert lines[2].split()[:2] == ["expected", "tensor"]
    assert lines[3].startswith("0-d tensors:")
