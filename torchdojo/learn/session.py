"""A watch session: which topic the learner is on, its latest grade, and moving on.

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
from torchdojo.engine.report import TopicResult
from torchdojo.engine.spec import Check
from torchdojo.learn import hints
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
    threads: int = 1
    result: TopicResult | None = None
    fault: str = ""
    runs: int = 0
    seconds: float = 0.0
    finished: list[Finished] = field(default_factory=list)  # since the last screen
    progress: Progress = field(init=False)
    _graded: str | None = None  # digest of the file as last graded

    def __post_init__(self) -> None:
        self.progress = Progress.load(self.course.root)
        if self.topic is None:
            self.topic = self.next_topic()

    # -- where the learner is

    def checks(self, topic: Topic | None = None) -> tuple[Check, ...]:
        return catalog.checks(self.course, topic or self.topic)

    def next_topic(self, after: Topic | None = None) -> Topic | None:
        """The first unfinished topic in course order, starting after ``after``."""
        order = list(self.course.topics)
        start = order.index(after) + 1 if after in order else 0
        for topic in order[start:] + order[:start]:
            if not self.progress.topic(topic.name, self.checks(topic)).complete:
                return topic
        return None

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
            self._graded = _digest(self.file)
            started = time.perf_counter()
            report = grade(self.course, [self.topic.name], seed=self.seed, threads=self.threads,
                           listener=listener)
            self.seconds = time.perf_counter() - started
            self.runs += 1
            self.result, self.fault = report.topics[0], report.fault
            self.progress = Progress.load(self.course.root)  # `hint` may have run meanwhile
            self.progress.record(report)
            with contextlib.suppress(OSError):  # a read-only course still grades
                self.progress.save()
            if not self.result.complete or self.fault:
                return
            self.finished.append(Finished(self.topic, self.result))
            self.topic, self.result = self.next_topic(after=self.topic), None

    # -- hints

    def target(self) -> Check | None:
        """The check the screen and the hints are about: the first not yet passed."""
        if self.topic is None:
            return None
        return hints.first_unpassed(self.progress, self.topic.name, self.checks())

    def hint(self) -> tuple[Check, int] | None:
        """Reveal the next hint level for the target check."""
        self.progress = Progress.load(self.course.root)  # `grade` may have run meanwhile
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
