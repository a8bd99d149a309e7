"""The result of a grade run: one object that every reporter renders and the exit code reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the learner's code raised, crashed, exited or returned unreadable data
    TIMEOUT = "timeout"
    NOT_ATTEMPTED = "not_attempted"  # the stub still raises NotImplementedError
    SKIPPED = "skipped"  # needs hardware this machine lacks; never counts as passed

    def __str__(self) -> str:
        return self.value


@dataclass
class CheckResult:
    name: str
    status: Status
    score: float
    max_score: float
    message: str = ""
    concept: str = ""
    seconds: float = 0.0
    data: dict = field(default_factory=dict)  # what the check kept for reports (loss curves)
    docs: tuple[str, ...] = ()  # documentation pages the lesson links to
    # What a failure's message teaches: the concept of the property that differed, or of the
    # error raised, which is the check's own concept unless another fits the failure better.
    lesson: str = ""

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED


@dataclass
class TopicResult:
    name: str
    title: str
    checks: list[CheckResult] = field(default_factory=list)
    error: str = ""  # one line when the whole topic could not run (import failure, ...)
    output: str = ""  # what the learner's code printed, truncated; feedback only
    output_bytes: int = 0  # how much it printed in all, before truncation
    warnings: list[str] = field(default_factory=list)  # warnings its calls raised (distinct)

    @property
    def score(self) -> float:
        return sum(c.score for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.checks)

    @property
    def graded(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status is not Status.SKIPPED]

    @property
    def complete(self) -> bool:
        """Every gradable check passed (skipped ones are not gradable here)."""
        return bool(self.graded) and all(c.passed for c in self.graded)

    def count(self, status: Status) -> int:
        return sum(c.status is status for c in self.checks)


@dataclass
class Report:
    seed: int
    tier: str  # "local" (advisory) or "strict" (authoritative)
    topics: list[TopicResult] = field(default_factory=list)
    seconds: float = 0.0
    fault: str = ""  # a grader fault: the run itself is not trustworthy
    environment: dict = field(default_factory=dict)
    # strict: {"in_force": {name: what}, "not_available": {name: why}, "waived": [name, ...]}
    confinement: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # files of the submission that were refused

    @property
    def score(self) -> float:
        return sum(t.score for t in self.topics)

    @property
    def max_score(self) -> float:
        return sum(t.max_score for t in self.topics)

    @property
    def checks(self) -> list[CheckResult]:
        return [c for t in self.topics for c in t.checks]

    def count(self, status: Status) -> int:
        return sum(t.count(status) for t in self.topics)

    @property
    def exit_code(self) -> int:
        """0 when every gradable check passed, 1 when any did not, 2 for a grader fault."""
        if self.fault:
            return 2
        graded = [c for c in self.checks if c.status is not Status.SKIPPED]
        return 0 if graded and all(c.passed for c in graded) else 1

    def to_dict(self) -> dict:
        data = {
            "score": _number(self.score),
            "max_score": _number(self.max_score),
            "seed": self.seed,
            "tier": self.tier,
            "advisory": self.tier != "strict",
            "seconds": round(self.seconds, 3),
            "counts": {s.value: self.count(s) for s in Status},
            "fault": self.fault or None,
            "environment": self.environment,
            "confinement": self.confinement if self.tier == "strict" else None,
            "notes": list(self.notes),
            "topics": [],
        }
        for topic in self.topics:
            checks = [{**asdict(c), "status": c.status.value, "score": _number(c.score),
                       "max_score": _number(c.max_score), "seconds": round(c.seconds, 4),
                       "docs": list(c.docs)}
                      for c in topic.checks]
            data["topics"].append({"name": topic.name, "title": topic.title,
                                   "score": _number(topic.score),
                                   "max_score": _number(topic.max_score),
                                   "error": topic.error or None, "output": topic.output,
                                   "output_bytes": topic.output_bytes,
                                   "warnings": list(topic.warnings), "checks": checks})
        return data


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 4)
