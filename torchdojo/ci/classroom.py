"""The GitHub Classroom step: hand torchdojo's results to Classroom's autograding reporter.

GitHub Classroom's reporter (``classroom-resources/autograding-grading-reporter``) reads, for
each runner id listed in its ``runners`` input, the environment variable ``<ID>_RESULTS``: the
base64 of a results document (exercism v3 plus a top-level ``max_score`` and a ``score`` per
test). It adds up the tests' scores and the runners' ``max_score``, writes "Points X/Y" and
the "Autograding report" annotation that Classroom records, and fails the job when a status
is ``fail`` or ``error``. The workflow that ``torchdojo export classroom`` writes grades with
``torchdojo grade --format exercism`` (whose scores add up to the report's) and then runs

    python -m torchdojo.ci.classroom RESULTS >> "$GITHUB_OUTPUT"

which checks the document, writes ``result=<base64>`` (the step output the reporter's
environment reads) and prints each check that did not pass, with its lesson, to the job log:
the reporter itself shows only names. Standard library only.
"""

from __future__ import annotations

import base64
import json
import math
import sys
from pathlib import Path

MAX_BYTES = 8 * 2**20
LESSON_LINES = 12  # of each message, in the log


class ResultsError(ValueError):
    pass


def load(path: Path) -> tuple[dict, bytes]:
    """The results document at ``path`` and its bytes, checked for what the reporter reads."""
    try:
        if path.is_symlink() or not path.is_file():
            raise ResultsError(f"{path} is not a results file (torchdojo grade wrote none)")
        raw = path.read_bytes()
    except OSError as exc:
        raise ResultsError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise ResultsError(f"{path} is over {MAX_BYTES} bytes")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{path} is not JSON: {exc}") from None
    _check(data)
    return data, raw


def _check(data: object) -> None:
    if not isinstance(data, dict) or data.get("version") != 3:
        raise ResultsError("not an exercism v3 results document (torchdojo grade --format "
                           "exercism writes one)")
    if data.get("status") not in ("pass", "fail", "error"):
        raise ResultsError(f"unknown status {data.get('status')!r}")
    if not _number(data.get("max_score")) or not isinstance(data.get("tests"), list):
        raise ResultsError("max_score and tests are missing: the reporter would record nothing")
    for test in data["tests"]:
        if not isinstance(test, dict) or not _number(test.get("score")):
            raise ResultsError("a test has no finite score: the reporter would add up NaN")


def _number(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def output_line(raw: bytes) -> str:
    """The ``$GITHUB_OUTPUT`` line the reporter's ``<ID>_RESULTS`` reads."""
    return "result=" + base64.b64encode(raw).decode("ascii")


def lessons(data: dict) -> list[str]:
    """What the log shows beside the reporter's names: every check that did not pass."""
    lines = [f"torchdojo: {_points(data)} points, status {data['status']}"]
    if data.get("message"):
        lines.append(str(data["message"]))
    for test in data["tests"]:
        if test.get("status") != "pass":
            message = str(test.get("message") or "").splitlines()[:LESSON_LINES]
            lines.append(f"✗ {test.get('name')}")
            lines += [f"    {line}" for line in message]
    return lines


def _points(data: dict) -> str:
    score = sum(test["score"] for test in data["tests"])
    return f"{score:g}/{data['max_score']:g}"


def workflow(template: str, topics: list[str]) -> str:
    """The Classroom workflow grading ``topics`` (every topic when empty)."""
    blank = 'TOPICS: ""'
    if blank not in template:
        raise ValueError("the classroom workflow template has no TOPICS setting")
    return template.replace(blank, f'TOPICS: "{" ".join(topics)}"', 1)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m torchdojo.ci.classroom RESULTS_JSON >> \"$GITHUB_OUTPUT\"",
              file=sys.stderr)
        return 2
    try:
        data, raw = load(Path(argv[0]))
    except ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lessons(data)), file=sys.stderr)
    print(output_line(raw))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
