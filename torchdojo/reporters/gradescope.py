"""Gradescope's ``results.json``: one test per check with its score, status and lesson.

Gradescope colours a test by its ``status`` ("passed" or "failed") when given, else by its
score against ``max_score``. A graded check carries an explicit status. A check skipped for
hardware this machine lacks is neither: it is written as an informational test, with no
score, no ``max_score`` and no status (Gradescope's spec: tests without score information
are informational), its output saying it was skipped and not counted, so it shows neither as
passed nor as failed and adds nothing to the total. A grader fault follows otter-grader's
pattern: a visible "Autograder failed" test for the learner, a hidden one with the details for
the instructor, no per-check scores at all, and a score of 0.
"""

from __future__ import annotations

import json

from torchdojo.engine.report import CheckResult, Report, Status, TopicResult
from torchdojo.engine.sanitize import json_ready
from torchdojo.reporters.common import (
    FAULT_FOR_LEARNER,
    check_id,
    check_text,
    clip,
    number,
    summary,
    topic_output,
)

OUTPUT_LIMIT = 20_000  # per test; Gradescope pages stay readable


def render(report: Report) -> str:
    return dumps(results(report))


def dumps(data: dict) -> str:
    """Results as strict JSON: nothing a learner wrote can make the file invalid."""
    return json.dumps(json_ready(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def results(report: Report) -> dict:
    if report.fault:
        return failure(report.fault, report.seconds)
    tests = [_test(number_, topic, index, check)
             for number_, topic in enumerate(report.topics, 1)
             for index, check in enumerate(topic.checks, 1)]
    return {
        "score": number(report.score),
        "execution_time": round(report.seconds, 3),
        "output": _output(report),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {"seed": report.seed, "tier": report.tier,
                       "counts": {s.value: report.count(s) for s in Status},
                       "max_score": number(report.max_score)},
        "tests": tests,
    }


def failure(detail: str, seconds: float = 0.0) -> dict:
    """Results for a run that cannot be trusted: no score for any check."""
    return {
        "score": 0,
        "execution_time": round(seconds, 3),
        "output": FAULT_FOR_LEARNER,
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {"name": "Autograder failed", "status": "failed", "visibility": "visible",
             "output": FAULT_FOR_LEARNER},
            {"name": "Autograder exception", "status": "failed", "visibility": "hidden",
             "output": clip(f"torchdojo grader fault (not visible to students):\n{detail}",
                            OUTPUT_LIMIT)},
        ],
    }


def _test(topic_number: int, topic: TopicResult, index: int, check: CheckResult) -> dict:
    text = check_text(check)
    if index == 1 and topic.error:
        text = f"{topic.name} could not be imported: {topic.error}\n{text}"
    scored = {} if check.status is Status.SKIPPED else {
        "score": number(check.score),
        "max_score": number(check.max_score),
        "status": "passed" if check.status is Status.PASSED else "failed",
    }
    return {
        "name": check_id(topic, check),
        "number": f"{topic_number}.{index}",
        **scored,
        "output": clip(text, OUTPUT_LIMIT),
        "output_format": "text",
        "visibility": "visible",
        "tags": [topic.name, check.status.value],
        "extra_data": {"status": check.status.value, "concept": check.concept,
                       "seconds": round(check.seconds, 4)},
    }


def _output(report: Report) -> str:
    parts = [summary(report)]
    parts += [text for t in report.topics if (text := topic_output(t, 2000))]
    return clip("\n\n".join(parts), OUTPUT_LIMIT)
