"""A progress display while checks run, for topics that take seconds (training, ddp).

It appears only when a grade is still running after ``DELAY`` seconds, so a quick re-grade
never flickers, and it disappears when the grade ends. It draws on a terminal only.
"""

from __future__ import annotations

import threading
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from torchdojo.course import Course
from torchdojo.engine.report import CheckResult

DELAY = 0.4


class LiveProgress:
    """A ``GradeListener``: a bar of checks done, and the check running now."""

    def __init__(self, console: Console, totals: dict[str, int], per_topic: bool = False,
                 delay: float = DELAY) -> None:
        """``totals``: checks per topic. The bar counts all of them, or (``per_topic``) the
        running topic's only, starting afresh with each topic (watch mode moving on)."""
        self.enabled = console.is_terminal and not console.is_dumb_terminal
        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                  BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                  console=console, transient=True)
        self._totals = totals
        self._per_topic = per_topic
        self._topic = ""
        total = None if per_topic else sum(totals.values())
        self._task = self._progress.add_task("grading", total=total)
        self._timer = threading.Timer(delay, self._show)
        self._timer.daemon = True
        self._lock = threading.Lock()
        self._shown = False
        self._closed = False

    @classmethod
    def for_topics(cls, course: Course, names: tuple[str, ...] | list[str],
                   console: Console | None = None) -> LiveProgress:
        """A display for grading ``names`` (every topic when empty), on stderr by default."""
        from torchdojo.engine import catalog

        totals = {t.name: len(catalog.checks(course, t)) for t in course.select(names)}
        return cls(console or Console(stderr=True), totals)

    def __enter__(self) -> LiveProgress:
        if self.enabled:
            self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._shown:
                self._progress.stop()

    def _show(self) -> None:
        with self._lock:
            if not self._closed:
                self._progress.start()
                self._shown = True

    # -- GradeListener

    def check_started(self, topic: str, check: str) -> None:
        if self._per_topic and topic != self._topic:
            self._progress.reset(self._task, total=self._totals.get(topic))
        self._topic = topic
        self._progress.update(self._task, description=f"grading {topic} · {check}")

    def check_finished(self, topic: str, result: CheckResult) -> None:
        self._progress.advance(self._task)
