"""A watch session: which topic the learner is on, its latest grade, the check in focus, and
moving on (unless the learner chose to stay on a topic).

The session lives in one long-running process. Every re-grade reuses what the first one paid
for: torch is imported once, the fork server stays up, and the seed is fixed for the session,
so the reference's answers (cached per input by ``Reference``) are computed once.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from torchdojo import intake
from torchdojo.course import Course, Topic
from torchdojo.engine import catalog
from torchdojo.engine.plugin import GradeListener
from torchdojo.engine.report import CheckResult, Status, TopicResult
from torchdojo.engine.spec import Check
from torchdojo.learn import hints, overview
from torchdojo.learn.progress import Progress


@dataclass
class Finished:
    topic: Topic
    result: TopicResult


@dataclass
class WatchSession:
    course: Course
    seed: int
    topic: Topic | None = None  # None once every topic is complete
    pinned: bool = False  # stay on ``topic`` even when it is complete
    threads: int = 1
    focus: str | None = None  # the open check the screen and hints are about (None: the first)
    result: TopicResult | None = None
    fault: str = ""
    runs: int = 0
    seconds: float = 0.0
    finished: list[Finished] = field(default_factory=list)  # since the last screen
    progress: Progress = field(init=False)
    _graded: str | None = None  # digest of the file as last graded

    def __post_init__(self) -> None:
        self.progress = Progress.load(self.course.home)
        if self.topic is None:
            self.topic = self.next_topic()

    # -- where the learner is

    def checks(self, topic: Topic | None = None) -> tuple[Check, ...]:
        return catalog.checks(self.course, topic or self.topic)

    def next_topic(self, after: Topic | None = None) -> Topic | None:
        """The first unfinished topic in course order, starting after ``after``."""
        return overview.current(self.course, self.progress, after)

    @property
    def done(self) -> bool:
        return self.topic is None

    @property
    def number(self) -> int:
        return self.course.topics.index(self.topic) + 1 if self.topic else 0

    @property
    def file(self) -> Path:
        return self.course.exercise(self.topic)

    def changed(self) -> bool:
        """Whether the exercise differs from the version graded last (editors save twice)."""
        return _digest(self.file) != self._graded

    # -- grading

    def grade(self, listener: GradeListener | None = None) -> None:
        """Grade the current topic, remember the result, and move on while topics complete."""
        from torchdojo.engine.grading import grade

        while self.topic is not None:
            before = self.focused()
            self._graded = _digest(self.file)
            started = time.perf_counter()
            report = grade(self.course, [self.topic.name], seed=self.seed, threads=self.threads,
                           listener=listener)
            self.seconds = time.perf_counter() - started
            self.runs += 1
            self.result, self.fault = report.topics[0], report.fault
            self.progress = Progress.load(self.course.home)  # `hint` may have run meanwhile
            self.progress.record(report)
            with contextlib.suppress(OSError):  # a read-only course still grades
                self.progress.save()
            self._refocus(before)
            if not self.result.complete or self.fault or self.pinned:
                return
            self.finished.append(Finished(self.topic, self.result))
            self.topic, self.result, self.focus = self.next_topic(after=self.topic), None, None

    # -- the check in focus

    def open_checks(self) -> list[CheckResult]:
        """The latest grade's checks still to fix, in course order (skipped ones cannot pass
        here)."""
        if self.result is None:
            return []
        return [c for c in self.result.checks if c.status not in (Status.PASSED, Status.SKIPPED)]

    def focused(self) -> CheckResult | None:
        """The open check in focus: the one the learner moved to, else the first."""
        open_ = self.open_checks()
        return next((c for c in open_ if c.name == self.focus), open_[0] if open_ else None)

    def move(self, step: int) -> CheckResult | None:
        """Focus the next (``step`` 1) or previous (-1) open check, round the ends."""
        open_, now = self.open_checks(), self.focused()
        if not open_ or now is None:
            return None
        chosen = open_[(open_.index(now) + step) % len(open_)]
        self.focus = chosen.name
        return chosen

    def _refocus(self, before: CheckResult | None) -> None:
        """Keep the focus on its check while it is open; once it passes, move to the next
        open check after it."""
        if before is None or self.result is None:
            return
        names = [c.name for c in self.result.checks]
        open_ = {c.name for c in self.open_checks()}
        if before.name in open_ or before.name not in names:
            self.focus = before.name if before.name in open_ else None
            return
        start = names.index(before.name)
        after = [n for n in names[start + 1:] + names[:start] if n in open_]
        self.focus = after[0] if after else None

    # -- hints

    def target(self) -> Check | None:
        """The check the screen and the hints are about: the one in focus, or (before the
        first grade) the first not yet passed."""
        if self.topic is None:
            return None
        if self.result is not None:
            now = self.focused()
            return next((c for c in self.checks() if now and c.name == now.name), None)
        return hints.first_unpassed(self.progress, self.topic.name, self.checks())

    def hint(self) -> tuple[Check, int] | None:
        """Reveal the next hint level for the target check."""
        self.progress = Progress.load(self.course.home)  # `grade` may have run meanwhile
        check = self.target()
        if check is None:
            return None
        level = hints.reveal(self.progress, self.topic.name, check)
        with contextlib.suppress(OSError):
            self.progress.save()
        return check, level


def _digest(path: Path) -> str | None:
    """The file as grading would read it (a pipe or a link is not opened), or None."""
    try:
        return hashlib.sha256(intake.read_file(path)).hexdigest()
    except intake.Refused:
        return None
