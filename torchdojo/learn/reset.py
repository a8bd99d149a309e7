"""Put a topic's untouched stub back, keeping the learner's version as a backup."""

from __future__ import annotations

from pathlib import Path

from torchdojo.author import generated
from torchdojo.course import Course, Topic
from torchdojo.learn.progress import Progress


def untouched(course: Course, topic: Topic) -> str:
    """The stub the learner started from."""
    return generated.stub(course, topic)


def is_untouched(course: Course, topic: Topic) -> bool:
    target = course.exercise(topic)
    return target.is_file() and target.read_text(encoding="utf-8") == untouched(course, topic)


def reset(course: Course, topic: Topic) -> Path | None:
    """Write the stub over the exercise and forget the topic's progress; returns the backup
    of the learner's version (None when there was no file)."""
    target = course.exercise(topic)
    kept = generated.backup(course, target) if target.is_file() else None
    record = generated.Record.load(course)
    record.write(target, untouched(course, topic))
    record.keep()
    progress = Progress.load(course.home)
    progress.forget(topic.name)
    progress.keep()
    return kept
