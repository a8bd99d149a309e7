"""Answers of the right type with the wrong values score nothing.

A property check (kept the graph, left the input alone, has the right dtype or device) must
compare values too; the ``constant/`` corpus answers every function with zeros, copies of an
input or a fixed number of the right type, shape and dtype, and must score 0 in every check.
"""

from __future__ import annotations

import pytest

from tests.corpus import cases

CONSTANT = cases("constant")


@pytest.mark.parametrize("case", CONSTANT, ids=[c.id for c in CONSTANT])
def test_constant_answers_score_nothing(case, corpus_reports):
    report = corpus_reports[case]
    topic = report.topics[0]
    assert not report.fault and not topic.error
    paid = {c.name: c.message for c in topic.checks if c.score or c.passed}
    assert paid == {}
    assert topic.max_score > 0 and topic.score == 0


def test_every_topic_has_constant_answers(course):
    covered = {case.topic for case in CONSTANT}
    assert [t.name for t in course.topics if t.name not in covered] == []
