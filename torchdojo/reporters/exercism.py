"""exercism's test-runner ``results.json`` (version 3), as GitHub Classroom reads it.

GitHub Classroom's reporter sums ``tests[].score`` against the top-level ``max_score``, and
fails the job on any ``fail`` or ``error``; both are added here beside exercism's own fields.
Tests are in check order, ``task_id`` is the topic's number in the course, and ``output`` is
what the learner's code printed, at most 500 characters.

exercism has no "skipped" status, so a check skipped for hardware this machine lacks is left
out of ``tests`` (as exercism's own Go runner leaves out skipped tests): it did not run, so it
is neither a pass nor a failure, and it is worth no points here. A submission whose every
gradable check passed has status ``pass``.
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

OUTPUT_LIMIT = 500
MESSAGE_LIMIT = 65_535
STATUS = {
    Status.PASSED: "pass",
    Status.FAILED: "fail",
    Status.NOT_ATTEMPTED: "fail",
    Status.ERROR: "error",
    Status.TIMEOUT: "error",
}


def render(report: Report) -> str:
    return dumps(results(report))


def dumps(data: dict) -> str:
    """Results as strict JSON: nothing a learner wrote can make the file invalid."""
    return json.dumps(json_ready(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def results(report: Report) -> dict:
    if report.fault:
        return {"version": 3, "status": "error", "max_score": number(report.max_score),
                "message": clip(f"{FAULT_FOR_LEARNER}\nDetails: {report.fault}", MESSAGE_LIMIT),
                "tests": []}
    tests = [_test(n, topic, check, first=i == 0)
             for n, topic in enumerate(report.topics, 1)
             for i, check in enumerate(topic.graded)]
    data: dict = {"version": 3, "status": _status(report, tests),
                  "max_score": number(report.max_score), "tests": tests}
    if data["status"] == "error":
        data["message"] = clip(summary(report), MESSAGE_LIMIT)
    return data


def _status(report: Report, tests: list[dict]) -> str:
    """``error`` only when no check could run at all (every topic failed to import, or every
    check needs hardware this machine lacks)."""
    if not tests or all(t.error for t in report.topics):
        return "error"
    return "pass" if all(t["status"] == "pass" for t in tests) else "fail"


def _test(task_id: int, topic: TopicResult, check: CheckResult, first: bool) -> dict:
    # line_no 0 is the Classroom reporter's "no line": without it, it prints "line undefined"
    test = {"name": check_id(topic, check), "status": STATUS[check.status],
            "task_id": task_id, "score": number(check.score),
            "duration": round(check.seconds, 4), "line_no": 0}
    if check.status is not Status.PASSED:
        message = check_text(check)
        if first and topic.error:
            message = f"{topic.name} could not be imported: {topic.error}\n{message}"
        test["message"] = clip(message, MESSAGE_LIMIT)
    output = topic_output(topic, OUTPUT_LIMIT) if first else ""
    if output:
        test["output"] = output
    return test
