"""The course: where its folders are and which topics it has, in learning order.

Topic order, titles and summaries are declared once, in ``graders/manifest.toml``; a topic's
checks, points and hints live in ``graders/<topic>.py``; its stub and reference in
``exercises/<topic>.py`` and ``solutions/<topic>.py``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

MANIFEST = Path("graders") / "manifest.toml"


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
    root: Path
    topics: tuple[Topic, ...]

    @property
    def exercises(self) -> Path:
        return self.root / "exercises"

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
    """The course folder: $TORCHDOJO_COURSE, else the nearest folder up from ``start`` with a
    manifest, else the checkout this package was installed from, else the copy installed beside
    it (``torchdojo_course``)."""
    if env := os.environ.get("TORCHDOJO_COURSE"):
        root = Path(env).expanduser().resolve()
        if not (root / MANIFEST).is_file():
            raise CourseError(f"TORCHDOJO_COURSE={env} has no {MANIFEST}")
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MANIFEST).is_file():
            return folder
    package = Path(__file__).resolve().parent
    for folder in (package.parent, package.parent / "torchdojo_course"):
        if (folder / MANIFEST).is_file():
            return folder
    raise CourseError("no torchdojo course found (looked for graders/manifest.toml)")


def load(root: Path | None = None) -> Course:
    root = root or find_root()
    try:
        data = tomllib.loads((root / MANIFEST).read_text())
        topics = tuple(Topic(**entry) for entry in data["topic"])
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise CourseError(f"{root / MANIFEST} is not a valid manifest: {exc}") from None
    return Course(root=root, topics=topics)
