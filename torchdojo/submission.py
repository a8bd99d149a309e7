"""Where a submission's code is: a folder laid out like exercises/, or a checkout holding one."""

from __future__ import annotations

import shutil
from pathlib import Path

from torchdojo.course import Course


def locate(course: Course, folder: Path) -> Path:
    """The folder holding ``<topic>.py`` files: ``folder`` itself, else its ``exercises/``.

    A learner's repository checkout (or a Gradescope upload from GitHub) keeps the files in
    ``exercises/``; a plain upload has them at the top.
    """
    folder = Path(folder)
    names = [f"{t.name}.py" for t in course.topics]
    if any((folder / n).is_file() for n in names):
        return folder
    nested = folder / "exercises"
    if any((nested / n).is_file() for n in names):
        return nested
    return folder


def copy_code(course: Course, source: Path, dest: Path) -> list[str]:
    """Copy only the learner's ``<topic>.py`` files into ``dest`` (code, nothing else).

    Returns the topics found. Links are not followed out of the submission.
    """
    found = []
    dest.mkdir(parents=True, exist_ok=True)
    where = locate(course, source)
    for topic in course.topics:
        file = where / f"{topic.name}.py"
        if file.is_file() and not file.is_symlink():
            shutil.copyfile(file, dest / file.name)
            found.append(topic.name)
    return found
