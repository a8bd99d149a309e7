"""Put a topic's untouched stub back, keeping the learner's version as a backup."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from torchdojo.author import stubs
from torchdojo.course import Course, Topic
from torchdojo.learn.progress import Progress


def untouched(course: Course, topic: Topic) -> str:
    """The stub the learner started from."""
    return stubs.derive(course.solution(topic).read_text(encoding="utf-8"))


def is_untouched(course: Course, topic: Topic) -> bool:
    target = course.exercise(topic)
    return target.is_file() and target.read_text(encoding="utf-8") == untouched(course, topic)


def reset(course: Course, topic: Topic) -> Path | None:
    """Write the stub over the exercise and forget the topic's progress; returns the backup
    of the learner's version (None when there was no file)."""
    target = course.exercise(topic)
    kept = backup(course, topic) if target.is_file() else None
    target.write_text(untouched(course, topic), encoding="utf-8")
    progress = Progress.load(course.root)
    progress.forget(topic.name)
    progress.keep()
    return kept


def backup(course: Course, topic: Topic) -> Path:
    folder = course.root / ".torchdojo" / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{topic.name}-{stamp}.py"
    number = 1
    while path.exists():  # two resets in one second keep both versions
        number += 1
        path = folder / f"{topic.name}-{stamp}-{number}.py"
    shutil.copy2(course.exercise(topic), path)
    return path
