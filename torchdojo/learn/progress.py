"""What a learner has done so far, kept in the course folder (``.torchdojo/progress.json``)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from torchdojo.engine.report import Report, Status
from torchdojo.files import write_atomically

if TYPE_CHECKING:
    from torchdojo.engine.spec import Check


@dataclass(frozen=True)
class TopicProgress:
    """Where a learner stands in one topic, from the checks it declares."""

    points: int
    max_points: int
    passed: int
    checks: int
    complete: bool  # every check passed, or was skipped for hardware this machine lacks
    started: bool  # some check was graded
    last: str | None  # when a check of the topic was last graded (ISO 8601, UTC)

    @property
    def fraction(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


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

    def topic(self, topic: str, checks: Sequence[Check]) -> TopicProgress:
        statuses = [self.status(topic, c.name) for c in checks]
        passed = [c for c, s in zip(checks, statuses, strict=True) if s == "passed"]
        stamps = [self.checks.get(f"{topic}/{c.name}", {}).get("graded_at") for c in checks]
        # checks last skipped (they need hardware this machine lacks) are not counted, as in a
        # grade report
        counted = [c for c, s in zip(checks, statuses, strict=True) if s != "skipped"]
        return TopicProgress(
            points=sum(c.points for c in passed), max_points=sum(c.points for c in counted),
            passed=len(passed), checks=len(checks),
            complete=bool(passed) and all(s in ("passed", "skipped") for s in statuses),
            started=any(statuses), last=max((s for s in stamps if s), default=None))

    def forget(self, topic: str) -> None:
        """Drop a topic's results and hint levels (its exercise was reset to the stub)."""
        prefix = f"{topic}/"
        self.checks = {k: v for k, v in self.checks.items() if not k.startswith(prefix)}
        self.hints = {k: v for k, v in self.hints.items() if not k.startswith(prefix)}

    def next_hint(self, topic: str, check: str, available: int) -> int:
        """Reveal one more hint level for this check; returns the level now shown (1-based)."""
        key = f"{topic}/{check}"
        level = min(self.hints.get(key, 0) + 1, available)
        self.hints[key] = level
        return level

    def save(self) -> None:
        """Write atomically, so an interrupted save never loses earlier progress."""
        data = json.dumps({"checks": self.checks, "hints": self.hints}, indent=2, sort_keys=True)
        write_atomically(self.path, data + "\n")

    def keep(self) -> None:
        """Save if the course folder allows it: a read-only course still grades and hints;
        progress is a nicety."""
        with contextlib.suppress(OSError):
            self.save()


def remember(course_root: Path, report: Report) -> None:
    """Add a grade of the learner's own exercises to their progress."""
    progress = Progress.load(course_root)
    progress.record(report)
    progress.keep()
