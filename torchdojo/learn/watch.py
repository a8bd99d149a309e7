"""Watch mode's loop: grade the current topic on every save, show the next thing to fix.

One process for the whole session: the main thread grades (pytest wants it) and draws; a
file watcher and a key reader feed it events. Pressing Enter re-grades by hand where file
events never arrive (network drives, some containers and editors).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console

from torchdojo.learn import screen
from torchdojo.learn.events import Event, Inputs
from torchdojo.learn.session import WatchSession
from torchdojo.reporters.curves import write_plots
from torchdojo.reporters.live import LiveProgress

REGRADE = ("\n", "\r", " ", "r")
HINT = ("h",)
QUIT = ("q", "\x04")  # q, Ctrl-D


class Watch:
    def __init__(self, session: WatchSession, console: Console, inputs: Inputs, *,
                 single_keys: bool, plots: Path | None = None) -> None:
        self.session = session
        self.console = console
        self.inputs = inputs
        self.single_keys = single_keys
        self.plot_folder = plots
        self.plots: list[Path] = []
        self.note = ""
        self.interrupted = False

    def run(self) -> None:
        """Grade now, then react to saves and keys until the learner quits or finishes."""
        self.regrade()
        while not self.session.done:
            event = self.inputs.next()
            if event.kind == "key":
                if not self.on_key(str(event.payload).lower()):
                    return
            elif event.kind == "saved":
                self.on_saved([event, *self.inputs.pending()])
            elif event.kind == "closed":
                self.note = f"{event.payload}; press Enter to re-grade by hand."
                self.show()

    def on_key(self, key: str) -> bool:
        """Act on a key; False means quit."""
        if key in QUIT:
            return False
        if key in REGRADE:
            self.regrade()
        elif key in HINT:
            if self.session.hint() is None:
                self.note = "Nothing to hint: every check of this topic has passed."
            self.show()
        return True

    def on_saved(self, events: list[Event]) -> None:
        """Re-grade once for a burst of saves, when the current exercise really changed."""
        for other in (e for e in events if e.kind != "saved"):
            self.inputs.events.put(other)  # keys pressed meanwhile are still handled, in order
        names = set().union(*(e.payload for e in events if e.kind == "saved"))
        if self.session.file.name in names and self.session.changed():
            self.regrade()

    def regrade(self) -> None:
        session = self.session
        totals = {t.name: len(session.checks(t)) for t in session.course.topics}
        with LiveProgress(self.console, totals, per_topic=True) as live:
            session.grade(listener=live)
        if self.interrupted:
            raise KeyboardInterrupt
        self.plots = self._plot()
        self.show()
        session.finished.clear()

    def _plot(self) -> list[Path]:
        if self.plot_folder is None or self.session.result is None:
            return []
        from torchdojo.engine.report import Report

        report = Report(seed=self.session.seed, tier="local", topics=[self.session.result])
        try:
            return write_plots(report, self.plot_folder)
        except OSError as exc:
            self.note = f"could not write plots to {self.plot_folder}: {exc.strerror or exc}"
            return []

    def show(self) -> None:
        self.console.clear()
        self.console.print(screen.render(self.session, encoding=self.console.encoding,
                                         single_keys=self.single_keys, note=self.note,
                                         plots=self.plots))
        self.note = ""

    @contextlib.contextmanager
    def catching_interrupts(self) -> Iterator[None]:
        """Ctrl-C ends the session cleanly, even in the middle of a grade (which pytest
        would otherwise report as an interrupted run)."""

        def interrupted(signum: int, frame: object) -> None:
            self.interrupted = True
            signal.default_int_handler(signum, frame)

        previous = signal.signal(signal.SIGINT, interrupted)
        try:
            yield
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGINT, previous)
