"""Every wrong submission fails its named check and names the concept; every alternative
correct submission gets full marks."""

from __future__ import annotations

import pytest

from tests.corpus import Case, cases
from torchdojo.engine.report import Report

WRONG = cases("wrong")
RIGHT = cases("right")


_GRADED: dict[str, Report] = {}


def graded(case: Case, grade_files) -> Report:
    """The case's report, graded once for all the tests that read it."""
    if case.id not in _GRADED:
        _GRADED[case.id] = grade_files({case.topic: case.source()}, seed=2024)
    return _GRADED[case.id]


@pytest.mark.parametrize("case", WRONG, ids=[c.id for c in WRONG])
def test_wrong_submission_fails_its_check(case, grade_files):
    report = graded(case, grade_files)
    topic = report.topics[0]
    checks = {c.name: c for c in topic.checks}
    assert case.check in checks, f"{case.id} names unknown check {case.check}"
    result = checks[case.check]
    assert result.status.value == case.status, (result.status, result.message)
    assert result.score == 0
    for text in case.mentions:
        assert text.lower() in result.message.lower(), (text, result.message)
    spared = [c for c in topic.graded if c.name != case.check and c.name not in case.also]
    assert [c.name for c in spared if not c.passed] == [], "the mistake leaked into other checks"
    assert not report.fault


@pytest.mark.parametrize("case", WRONG, ids=[c.id for c in WRONG])
def test_wrong_submission_is_taught_its_concept(case, grade_files):
    """The lesson follows what failed: the message names the concept the mistake is about
    (the check's own unless the case says otherwise), not merely the check's headline."""
    result = {c.name: c for c in graded(case, grade_files).topics[0].checks}[case.check]
    taught = case.concept or result.concept
    assert result.lesson == taught, f"{case.id} teaches {result.lesson!r}, not {taught!r}: " \
                                    f"{result.message}"
    assert f"{taught.lower()}" in result.message.lower(), result.message


@pytest.mark.parametrize("case", RIGHT, ids=[c.id for c in RIGHT])
def test_alternative_solution_gets_full_marks(case, grade_files):
    report = grade_files({case.topic: case.source()}, seed=2024)
    failures = {c.name: c.message for t in report.topics for c in t.graded if not c.passed}
    assert failures == {}
    assert report.score == report.max_score > 0


def test_every_topic_has_a_corpus(course):
    for topic in course.topics:
        assert len(cases("wrong", topic.name)) >= 8, topic.name
        assert len(cases("right", topic.name)) >= 3, topic.name


def test_every_wrong_case_cites_a_mistake():
    for case in WRONG:
        assert case.summary.split(":")[0].strip(), case.id
        assert case.check and case.mentions, f"{case.id} must name its check and concept"
