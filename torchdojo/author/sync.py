"""``dev sync``: write what is derived from the course's sources (stubs, the README's table).

A checkout's ``exercises/`` is also where a learner who cloned it works, so a stub is only
written over a file that holds no learner work (see ``generated.has_learner_work``); replacing
one that does needs the caller's word (``replace_work``), and keeps a backup first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from torchdojo.author import generated, readme
from torchdojo.course import Course, Topic


@dataclass(frozen=True)
class StaleStub:
    topic: Topic
    path: Path
    text: str  # the stub derived from the solution
    learner_work: bool  # the file holds work of the learner's, not a stub torchdojo wrote


@dataclass
class Synced:
    written: list[Path] = field(default_factory=list)
    backups: dict[Path, Path] = field(default_factory=dict)  # a replaced file -> its backup


class LearnerWork(Exception):
    """Stubs would replace files that hold a learner's work."""

    def __init__(self, stale: list[StaleStub]) -> None:
        super().__init__(", ".join(str(s.path) for s in stale))
        self.stale = stale


def stale_stubs(course: Course) -> list[StaleStub]:
    """Every exercises/<topic>.py that differs from the stub of its solution."""
    record = generated.Record.load(course)
    found = []
    for topic in course.topics:
        text = generated.stub(course, topic)
        target = course.exercise(topic)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            found.append(StaleStub(topic, target, text,
                                   generated.has_learner_work(course, topic, record)))
    return found


def sync_stubs(course: Course, *, replace_work: bool = False) -> Synced:
    """Rewrite every stale stub; one that holds learner work only with ``replace_work``
    (after a backup), else nothing is written and ``LearnerWork`` names them."""
    stale = stale_stubs(course)
    work = [s for s in stale if s.learner_work]
    if work and not replace_work:
        raise LearnerWork(work)
    record = generated.Record.load(course)
    synced = Synced()
    for item in stale:
        if item.learner_work:
            synced.backups[item.path] = generated.backup(course, item.path)
        record.write(item.path, item.text)
        synced.written.append(item.path)
    record.keep()
    return synced


def sync_course(course: Course, *, replace_work: bool = False) -> Synced:
    """Every file rewritten: the stubs, then the README's topic table."""
    synced = sync_stubs(course, replace_work=replace_work)
    table = readme.sync(course)
    if table:
        synced.written.append(table)
    return synced
