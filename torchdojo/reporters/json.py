"""The report as JSON: score, max_score, seed, and every topic's checks.

Strict JSON whatever the learner printed or returned: no NaN or infinities (they are named as
strings), no control characters or lone surrogates (they are spelled out).
"""

from __future__ import annotations

import json

from torchdojo.engine.report import Report
from torchdojo.engine.sanitize import json_ready


def render(report: Report) -> str:
    return dumps(report.to_dict())


def dumps(data: dict) -> str:
    """A report-like document (a batch adds ``learner``) as strict JSON text."""
    return json.dumps(json_ready(data), indent=2, allow_nan=False) + "\n"
