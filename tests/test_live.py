"""The progress display while a topic grades: shown on a terminal, never in a pipe."""

from __future__ import annotations

import io

from rich.console import Console

from torchdojo.engine import catalog
from torchdojo.engine.grading import grade
from torchdojo.reporters.live import LiveProgress


def test_progress_names_each_check_as_it_runs(course):
    topic = course.topic("tensors")
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    total = len(catalog.checks(course, topic))
    with LiveProgress(console, {"tensors": total}, delay=0) as live:
        report = grade(course, ["tensors"], submission=course.solutions, seed=2, listener=live)
    assert report.score == report.max_score
    shown = out.getvalue()
    assert "grading tensors · " in shown
    assert f"{total}/{total}" in shown or f"{total - 1}/{total}" in shown


def test_no_progress_drawn_outside_a_terminal(course):
    out = io.StringIO()
    live = LiveProgress(Console(file=out), {"tensors": 12}, delay=0)
    with live:
        grade(course, ["tensors"], submission=course.solutions, seed=2, listener=live)
    assert not live.enabled and out.getvalue() == ""


def test_per_topic_progress_starts_afresh_with_each_topic():
    live = LiveProgress(Console(file=io.StringIO()), {"a": 3, "b": 5}, per_topic=True)
    live.check_started("a", "one")
    assert live._progress.tasks[0].total == 3
    live.check_started("b", "one")
    assert live._progress.tasks[0].total == 5 and live._progress.tasks[0].completed == 0
