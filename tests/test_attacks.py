"""The adversarial corpus: no attack gains a point, breaks the report, or touches other topics."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, solution
from tests.corpus import cases
from torchdojo import course as course_mod
from torchdojo.engine.report import Status

ATTACKS = cases("attacks")


def _other_topic(course, topic: str) -> str:
    return next(t.name for t in course.topics if t.name != topic)


@pytest.mark.parametrize("strict", [False, True], ids=["local", "strict"])
@pytest.mark.parametrize("case", ATTACKS, ids=[c.id for c in ATTACKS])
def test_attack_gains_nothing(case, strict, course, grade_files):
    other = _other_topic(course, case.topic)
    report = grade_files({case.topic: case.source(), other: solution(other)},
                         topics=[case.topic, other], timeout_scale=0.3, strict=strict)
    assert json.loads(json.dumps(report.to_dict(), allow_nan=False))["seed"] == 1234
    assert not report.fault
    topics = {t.name: t for t in report.topics}
    clean = topics[other]
    assert clean.complete and clean.score == clean.max_score, "another topic was affected"
    attacked = topics[case.topic]
    # "all": the module fails to import; "every": it imports, and every check still scores 0
    everything = {"all", "every"} & set(case.lose)
    lost = {c.name for c in attacked.checks} if everything else set(case.lose)
    for check in attacked.checks:
        if check.name in lost:
            assert check.score == 0, check
            if "status" in case.path.read_text():
                assert check.status.value == case.status, (check.status, check.message)
            for text in case.mentions:
                assert text.lower() in check.message.lower(), (text, check.message)
        elif "any" not in case.lose:
            assert check.passed, (check.name, check.message)
    if "all" in case.lose:
        assert attacked.error, "an import failure must be one topic error"


def test_conftest_and_ini_in_submission_are_ignored(course, tmp_path):
    from torchdojo.engine.grading import grade

    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "conftest.py").write_text(
        "import pytest\n"
        "@pytest.hookimpl(wrapper=True)\n"
        "def pytest_runtest_makereport(item, call):\n"
        "    report = yield\n"
        "    report.outcome = 'passed'\n"
        "    return report\n")
    (folder / "pytest.ini").write_text("[pytest]\npython_functions = *\naddopts = -x\n")
    (folder / "pyproject.toml").write_text("[tool.pytest.ini_options]\npython_files = nothing\n")
    stub = (course.exercises / "tensors.py").read_text()
    (folder / "tensors.py").write_text(stub)
    report = grade(course, ["tensors"], submission=folder, seed=7)
    assert report.score == 0
    assert all(c.status is Status.NOT_ATTEMPTED for c in report.checks)
    assert len(report.checks) >= 8


@pytest.mark.parametrize("topic", [t.name for t in course_mod.load(ROOT).topics])
def test_an_empty_module_scores_nothing(topic, grade_files):
    """A file that defines nothing must never pass a check: every check has to call something."""
    report = grade_files({topic: ""}, timeout_scale=0.3)
    assert report.score == 0 and not report.fault
    # nothing to call is an error (or a skip, for hardware this machine lacks), never a verdict
    # on behaviour that does not exist
    odd = [(c.name, c.status.value) for c in report.checks
           if c.status not in (Status.ERROR, Status.SKIPPED)]
    assert not odd, odd
