"""How far a learner has come: a bar for the course, one row per topic, one per check."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text

from torchdojo.course import Course, Topic
from torchdojo.engine import catalog
from torchdojo.learn.progress import Progress, TopicProgress

BLOCKS = ("█", "░")
ASCII_BLOCKS = ("#", "-")
STATE_STYLE = {"done": "green", "started": "yellow", "new": "dim"}


def bar(fraction: float, width: int = 20, encoding: str | None = "utf-8") -> Text:
    """A text progress bar, in block characters where the terminal can show them."""
    full, empty = BLOCKS if _can_encode("".join(BLOCKS), encoding) else ASCII_BLOCKS
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return Text.assemble((full * filled, "green"), (empty * (width - filled), "dim"))


def _can_encode(text: str, encoding: str | None) -> bool:
    try:
        text.encode(encoding or "ascii")
    except (LookupError, UnicodeEncodeError):
        return False
    return True


def topics(course: Course, progress: Progress) -> list[tuple[Topic, TopicProgress]]:
    return [(t, progress.topic(t.name, catalog.checks(course, t))) for t in course.topics]


def state(topic: TopicProgress) -> str:
    return "done" if topic.complete else "started" if topic.started else "new"


def course_line(rows: list[tuple[Topic, TopicProgress]], encoding: str | None) -> Text:
    points = sum(p.points for _, p in rows)
    total = sum(p.max_points for _, p in rows)
    done = sum(p.complete for _, p in rows)
    return Text.assemble(("course ", "bold"), bar(points / total if total else 0, 30, encoding),
                         f"  {points}/{total} points · {done} of {len(rows)} topics done")


def table(rows: list[tuple[Topic, TopicProgress]], encoding: str | None) -> Table:
    """One row per topic: status, a bar of its points, and when it was last graded."""
    grid = Table(box=None, pad_edge=False, show_header=True, header_style="bold", expand=True)
    for column in ("#", "topic", "status", "progress", "points", "last graded"):
        grid.add_column(column, no_wrap=True)
    grid.add_column("about", no_wrap=True, overflow="ellipsis", ratio=1)
    for number, (topic, done) in enumerate(rows, 1):
        label = state(done)
        grid.add_row(str(number), topic.name, Text(label, style=STATE_STYLE[label]),
                     bar(done.fraction, 10, encoding), f"{done.points}/{done.max_points}",
                     when(done.last), topic.summary)
    return grid


def checks_table(course: Course, progress: Progress, topic: Topic) -> Table:
    """One row per check of a topic: its last status and when it first passed."""
    grid = Table(box=None, pad_edge=False, show_header=True, header_style="bold", expand=True)
    for column in ("check", "points", "status", "passed"):
        grid.add_column(column, no_wrap=True)
    grid.add_column("concept", no_wrap=True, overflow="ellipsis", ratio=1)
    for check in catalog.checks(course, topic):
        entry = progress.checks.get(f"{topic.name}/{check.name}", {})
        status = entry.get("status") or "not graded"
        style = "green" if status == "passed" else "dim" if status == "not graded" else "yellow"
        grid.add_row(check.name, str(check.points), Text(status.replace("_", " "), style=style),
                     when(entry.get("passed_at") if status == "passed" else None),
                     check.concept)
    return grid


def when(stamp: str | None) -> str:
    """An ISO time from the progress file, in local time to the minute ('' when unknown)."""
    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return ""
