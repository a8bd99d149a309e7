"""What a learner has done so far, kept in the course folder (``.torchdojo/progress.json``)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from torchdojo.engine.report import Report, Status


@dataclass
class Progress:
    path: Path
    checks: dict[str, dict] = field(default_factory=dict)  # "topic/check" -> status, times
    hints: dict[str, int] = field(default_factory=dict)  # "topic/check" -> hint levels shown

    @classmethod
    def load(cls, course_root: Path) -> Progress:
        path = course_root / ".torchdojo" / "progress.json"
        try:
            data = json.loads(path.read_text())
            return cls(path, dict(data.get("checks", {})), dict(data.get("hints", {})))
        except (OSError, ValueError, AttributeError):
            return cls(path)  # no progress yet, or a damaged file: start over rather than fail

    def record(self, report: Report) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        for topic in report.topics:
            for check in topic.checks:
                key = f"{topic.name}/{check.name}"
                entry = self.checks.setdefault(key, {})
                if check.status is Status.PASSED and entry.get("status") != "passed":
                    entry["passed_at"] = stamp
                entry["status"] = check.status.value
                entry["graded_at"] = stamp

    def status(self, topic: str, check: str) -> str | None:
        return self.checks.get(f"{topic}/{check}", {}).get("status")

    def passed(self, topic: str, check: str) -> bool:
        return self.status(topic, check) == "passed"

    def skipped(self, topic: str, check: str) -> bool:
        """Last graded as skipped: it needs hardware this machine lacks."""
        return self.status(topic, check) == "skipped"

    def next_hint(self, topic: str, check: str, available: int) -> int:
        """Reveal one more hint level for this check; returns the level now shown (1-based)."""
        key = f"{topic}/{check}"
        level = min(self.hints.get(key, 0) + 1, available)
        self.hints[key] = level
        return level

    def save(self) -> None:
        """Write atomically, so an interrupted save never loses earlier progress."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"checks": self.checks, "hints": self.hints}, indent=2, sort_keys=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".progress-")
        with os.fdopen(fd, "w") as handle:
            handle.write(data + "\n")
        os.replace(tmp, self.path)
