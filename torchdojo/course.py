"""The course: where its folders are and which topics it has, in learning order.

Topic order, titles and summaries are declared once, in ``graders/manifest.toml``; a topic's
checks, points and hints live in ``graders/<topic>.py``; its stub and reference in
``exercises/<topic>.py`` and ``solutions/<topic>.py``.

A course has two places. Its *sources* (``root``: the manifest, graders and solutions) are a
checkout, or the copy a wheel installs beside the package (``torchdojo_course``). The learner's
*home* holds ``exercises/`` and ``.torchdojo/`` (progress, backups): the checkout itself, or a
workspace that ``torchdojo init`` made, which holds only what a learner should have.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

MANIFEST = Path("graders") / "manifest.toml"
STATE = ".torchdojo"  # the learner's progress, backups and plots, in their home folder
WORKSPACE = Path(STATE) / "workspace.json"  # marks a learner workspace made by `torchdojo init`
PACKAGED = "torchdojo_course"  # the course a wheel installs beside the package


class CourseError(Exception):
    """A problem the user can fix: an unknown topic, a missing folder, a broken manifest."""


@dataclass(frozen=True)
class Topic:
    name: str
    title: str
    summary: str
    practise: str = ""  # what the learner practises (the README's topic table); default summary
    call_timeout: float = 10.0
    time_budget: float = 120.0


@dataclass(frozen=True)
class Course:
    root: Path  # the course's sources: graders/, solutions/ (and exercises/ in a checkout)
    topics: tuple[Topic, ...]
    workspace: Path | None = None  # a learner workspace made by `torchdojo init`

    @property
    def home(self) -> Path:
        """Where the learner's exercises/ and .torchdojo/ are."""
        return self.workspace or self.root

    @property
    def state(self) -> Path:
        """The learner's progress, backups and plots."""
        return self.home / STATE

    @property
    def packaged(self) -> bool:
        """The sources are the copy a wheel installed, not a checkout anyone edits."""
        return self.root.name == PACKAGED

    @property
    def exercises(self) -> Path:
        return self.home / "exercises"

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def graders(self) -> Path:
        return self.root / "graders"

    def topic(self, name: str) -> Topic:
        for topic in self.topics:
            if topic.name == name:
                return topic
        known = ", ".join(t.name for t in self.topics)
        raise CourseError(f"unknown topic {name!r} (topics: {known})")

    def select(self, names: list[str] | tuple[str, ...]) -> list[Topic]:
        """The named topics in course order, or every topic when none is named."""
        wanted = {self.topic(n).name for n in names}
        return [t for t in self.topics if not wanted or t.name in wanted]

    def grader(self, topic: Topic) -> Path:
        return self.graders / f"{topic.name}.py"

    def solution(self, topic: Topic) -> Path:
        return self.solutions / f"{topic.name}.py"

    def exercise(self, topic: Topic) -> Path:
        return self.exercises / f"{topic.name}.py"


def find_root(start: Path | None = None) -> Path:
    """The course's sources: $TORCHDOJO_COURSE, else the nearest folder up from ``start`` with
    a manifest (a checkout), else the installed course."""
    if env := _from_environment():
        return env
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MANIFEST).is_file():
            return folder
    return installed_root()


def installed_root() -> Path:
    """The checkout this package was installed from (editable), else the copy a wheel installed
    beside it (``torchdojo_course``)."""
    package = Path(__file__).resolve().parent
    for folder in (package.parent, package.parent / PACKAGED):
        if (folder / MANIFEST).is_file():
            return folder
    raise CourseError("no torchdojo course found (looked for graders/manifest.toml)")


def _from_environment() -> Path | None:
    env = os.environ.get("TORCHDOJO_COURSE")
    if not env:
        return None
    root = Path(env).expanduser().resolve()
    if not (root / MANIFEST).is_file():
        raise CourseError(f"TORCHDOJO_COURSE={env} has no {MANIFEST}")
    return root


def locate(start: Path | None = None) -> Course:
    """The course the working directory belongs to.

    Going up from ``start``, the nearest folder that is a learner workspace (``torchdojo
    init``) or a course checkout wins. A workspace grades with the installed course (or
    $TORCHDOJO_COURSE); a checkout is its own course and home. Elsewhere, the installed course,
    whose own exercises are its home (see ``Course.packaged``).
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / WORKSPACE).is_file():
            return installed(workspace=folder)
        if (folder / MANIFEST).is_file():
            return load(_from_environment() or folder)
    return installed()


def installed(workspace: Path | None = None) -> Course:
    """The course installed with torchdojo (or $TORCHDOJO_COURSE): what workspaces grade with."""
    return load(_from_environment() or installed_root(), workspace=workspace)


def load(root: Path | None = None, workspace: Path | None = None) -> Course:
    if root is None:
        return locate()
    try:
        data = tomllib.loads((root / MANIFEST).read_text())
        topics = tuple(Topic(**entry) for entry in data["topic"])
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise CourseError(f"{root / MANIFEST} is not a valid manifest: {exc}") from None
    return Course(root=root, topics=topics, workspace=workspace)
