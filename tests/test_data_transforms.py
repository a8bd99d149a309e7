"""data's augmentation check reads 400 transformed samples as one stacked tensor: outputs that
cannot be stacked fail it, even when the first few (compared one by one) look right."""

from __future__ import annotations

from tests.conftest import by_name, solution

# Right for the first samples of each pass (the ones compared one by one), then a list.
LATE_LISTS = solution("data") + '''

_right_transforms = make_transforms


def make_transforms(mean, std, noise_std):
    train, val = _right_transforms(mean, std, noise_std)
    calls = [0]

    def late_lists(x):
        calls[0] += 1
        return train(x) if calls[0] % 400 < 5 else train(x).tolist()

    return late_lists, val
'''


def test_outputs_that_cannot_be_stacked_fail_the_augmentation_check(grade_files):
    checks = by_name(grade_files({"data": LATE_LISTS}))
    result = checks["data.training_augmentation"]
    assert not result.passed and "not all tensors of one shape" in result.message
    assert checks["data.validation_transform_deterministic"].passed
