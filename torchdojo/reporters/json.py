"""The report as JSON: score, max_score, seed, and every topic's checks."""

from __future__ import annotations

import json

from torchdojo.engine.report import Report


def render(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2) + "\n"
