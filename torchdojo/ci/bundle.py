"""``torchdojo export gradescope``: a Gradescope autograder zip built from the course's sources.

The zip holds ``setup.sh`` and ``run_autograder`` at its top (as Gradescope requires), the
torchdojo package, the course (manifest, hidden checks, references, stubs) and a
``requirements.txt`` pinning the versions installed here, so Gradescope grades with what was
tested. Nothing is edited by hand: rebuild the zip after changing the course.
"""

from __future__ import annotations

import importlib.metadata
import re
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import torchdojo
from torchdojo.course import Course
from torchdojo.sandbox.capabilities import kind

TEMPLATES = Path(__file__).with_name("templates")
EXECUTABLE = stat.S_IFREG | 0o755
READABLE = stat.S_IFREG | 0o644


def requirements() -> str:
    """torchdojo's dependencies pinned to the versions installed here (local tags dropped)."""
    lines = ["# Pinned by `torchdojo export gradescope` from the environment that built it."]
    for requirement in importlib.metadata.requires("torchdojo") or []:
        name = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
        if "extra ==" in requirement or name == "editables":  # editable installs add it
            continue
        version = importlib.metadata.version(name).split("+")[0]
        lines.append(f"{name}=={version}")
    return "\n".join(lines) + "\n"


def build(course: Course, output: Path, allow_weaker: tuple[str, ...] = ()) -> list[str]:
    """Write the bundle to ``output``; returns the names it holds. ``allow_weaker`` (KINDs)
    are the confinements the instructor accepts that Gradescope's machine may lack."""
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    names = []
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data, mode in _entries(course, allow_weaker):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, data)
            names.append(name)
    tmp.replace(output)
    return names


def _entries(course: Course, allow_weaker: tuple[str, ...]) -> Iterator[tuple[str, bytes, int]]:
    yield "setup.sh", (TEMPLATES / "gradescope" / "setup.sh").read_bytes(), EXECUTABLE
    runner = (TEMPLATES / "gradescope" / "run_autograder").read_text()
    waived = ",".join(kind(name) for name in allow_weaker)
    yield "run_autograder", runner.replace("@ALLOW_WEAKER@", waived).encode(), EXECUTABLE
    yield "requirements.txt", requirements().encode(), READABLE
    package = Path(torchdojo.__file__).parent
    for path in _files(package):
        yield f"torchdojo/{path.relative_to(package).as_posix()}", path.read_bytes(), READABLE
    manifest = course.graders / "manifest.toml"
    yield "course/graders/manifest.toml", manifest.read_bytes(), READABLE
    for topic in course.topics:
        for path in (course.grader(topic), course.solution(topic), course.exercise(topic)):
            relative = path.relative_to(course.root).as_posix()
            yield f"course/{relative}", path.read_bytes(), READABLE


def _files(package: Path) -> Iterator[Path]:
    """The package's own files: no caches, and not the course copy a wheel carries."""
    for path in sorted(package.rglob("*")):
        parts = path.relative_to(package).parts
        if path.is_file() and "__pycache__" not in parts and parts[0] != "_course":
            yield path
