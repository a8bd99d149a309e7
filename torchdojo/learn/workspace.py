"""A learner's workspace: ``exercises/``, a README and ``.torchdojo/``, made from the installed
course by ``torchdojo init``, and brought up to date after an upgrade by ``init --update``.

It holds only what a learner should have: the stubs, never the references or the hidden checks
(those stay in the installed package, where ``grade`` and ``solution`` read them). The marker
``.torchdojo/workspace.json`` is how every command finds it from any folder inside it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from torchdojo import __version__
from torchdojo.author import generated, readme
from torchdojo.course import STATE, WORKSPACE, Course, CourseError, Topic
from torchdojo.files import write_atomically

README = Path(__file__).with_name("workspace_readme.md")
CONFLICTS = ("exercises", "README.md", STATE)  # what init writes, and so never overwrites


@dataclass
class Updated:
    added: list[Path] = field(default_factory=list)  # stubs of topics new to the workspace
    refreshed: list[Path] = field(default_factory=list)  # unedited files the course changed
    kept: list[Path] = field(default_factory=list)  # edited files whose stub changed


def create(course: Course, folder: Path) -> Path:
    """Make a workspace in ``folder`` (new, or one holding none of ``CONFLICTS``) from
    ``course``; returns the workspace's folder. Nothing is left half-made if it is stopped."""
    folder = folder.expanduser().absolute()
    _refuse_existing(folder)
    if folder.exists() and not folder.is_dir():
        raise CourseError(f"{folder} is a file; name a folder for the workspace")
    parent = folder if folder.is_dir() else folder.parent
    if not parent.is_dir():
        raise CourseError(f"cannot make {folder}: {parent} does not exist")
    stage = Path(tempfile.mkdtemp(dir=parent, prefix=".torchdojo-init-"))
    try:
        _fill(dataclasses.replace(course, workspace=stage))
        if folder.is_dir():  # move each part in; the marker's folder last
            for name in CONFLICTS:
                os.rename(stage / name, folder / name)
        else:
            os.rename(stage, folder)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return folder


def _refuse_existing(folder: Path) -> None:
    for above in (folder, *folder.parents):
        if (above / WORKSPACE).is_file():
            where = "" if above == folder else f" (inside {above})"
            raise CourseError(f"{folder} is already a torchdojo workspace{where}; nothing was "
                              "changed. After upgrading torchdojo, `torchdojo init --update` "
                              "adds new topics without touching your files")
    taken = [name for name in CONFLICTS if (folder / name).exists()]
    if taken:
        raise CourseError(f"{folder} already has {', '.join(taken)}; nothing was changed. "
                          "Choose a new or empty folder")


def _fill(course: Course) -> None:
    record = generated.Record(course)
    for topic in course.topics:
        record.write(course.exercise(topic), generated.stub(course, topic))
    record.write(course.home / "README.md", learner_readme(course))
    record.keep()
    _mark(course)


def _mark(course: Course) -> None:
    write_atomically(course.home / WORKSPACE, json.dumps(
        {"torchdojo": __version__, "updated": datetime.now(UTC).isoformat(timespec="seconds")},
        indent=2) + "\n")


def update(course: Course) -> Updated:
    """Add the stubs of topics the workspace lacks and refresh the files the learner has not
    edited since torchdojo wrote them; an edited file is never touched."""
    if course.workspace is None:
        raise CourseError("not inside a torchdojo workspace: `torchdojo init --update` brings "
                          "one made by `torchdojo init` up to date")
    record = generated.Record.load(course)
    updated = Updated()
    for topic in course.topics:
        _update_file(course, record, course.exercise(topic), generated.stub(course, topic),
                     updated, edited=lambda t=topic: generated.has_learner_work(course, t, record))
    page = course.home / "README.md"
    _update_file(course, record, page, learner_readme(course), updated,
                 edited=lambda: not record.holds_what_was_written(page))
    record.keep()
    _mark(course)
    return updated


def _update_file(course: Course, record: generated.Record, path: Path, text: str,
                 updated: Updated, edited) -> None:
    if not path.is_file():
        record.write(path, text)
        updated.added.append(path)
    elif path.read_text(encoding="utf-8", errors="replace") == text:
        record.written[record.relative(path)] = generated.digest(text)
    elif edited():
        updated.kept.append(path)
    else:
        record.write(path, text)
        updated.refreshed.append(path)


def missing(course: Course) -> list[Topic]:
    """Topics of the installed course the workspace has no exercise for (torchdojo was
    upgraded since ``init``)."""
    if course.workspace is None:
        return []
    return [t for t in course.topics if not course.exercise(t).exists()]


def learner_readme(course: Course) -> str:
    return README.read_text(encoding="utf-8").format(
        version=__version__, topics=readme.topic_table(course),
        first=course.topics[0].name if course.topics else "TOPIC")
