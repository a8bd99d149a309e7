"""Every wrong submission fails its named check and names the concept; every alternative
correct submission gets full marks. Each case is graded once, in the batch pool, with the seed
a learner could replay (``tests/corpus_reports.py``)."""

from __future__ import annotations

import pytest

from tests.corpus import cases

WRONG = cases("wrong")
RIGHT = cases("right")


@pytest.mark.parametrize("case", WRONG, ids=[c.id for c in WRONG])
def test_wrong_submission_fails_its_check(case, corpus_reports):
    report = corpus_reports[case]
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
def test_wrong_submission_is_taught_its_concept(case, corpus_reports):
    """The lesson follows what failed: the message names the concept the mistake is about
    (the check's own unless the case names another), not merely the check's headline."""
    result = {c.name: c for c in corpus_reports[case].topics[0].checks}[case.check]
    taught = case.concept or result.concept
    assert result.lesson == taught, f"{case.id} teaches {result.lesson!r}, not {taught!r}: " \
                                    f"{result.message}"
    assert taught.lower() in result.message.lower(), result.message


@pytest.mark.parametrize("case", RIGHT, ids=[c.id for c in RIGHT])
def test_alternative_solution_gets_full_marks(case, corpus_reports):
    report = corpus_reports[case]
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
