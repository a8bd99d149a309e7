"""Checks on a batch's input and output folders, kept light so mistakes are reported at once
(before torch is imported)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from torchdojo.course import CourseError


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def find_learners(submissions: Path, output: Path | None = None) -> list[tuple[str, Path]]:
    """One learner per folder (hidden folders and the output folder are not learners)."""
    if not submissions.is_dir():
        raise CourseError(f"submissions folder {submissions} does not exist")
    skip = output.resolve() if output is not None else None
    found = [(p.name, p) for p in sorted(submissions.iterdir())
             if p.is_dir() and not p.name.startswith(".") and p.resolve() != skip]
    if not found:
        hint = (" (it holds .py files: to grade one submission use "
                f"`torchdojo grade --submission {submissions}`)"
                if any(submissions.glob("*.py")) else "")
        raise CourseError(f"no learner folders in {submissions}{hint}")
    return found


def prepare_output(output: Path) -> None:
    """Make sure reports can be written before any grading starts."""
    if output.exists() and not output.is_dir():
        raise CourseError(f"cannot write to {output}: it is a file, not a folder")
    try:
        output.mkdir(parents=True, exist_ok=True)
        (output / "reports").mkdir(exist_ok=True)
        (output / "logs").mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=output / "reports", prefix=".probe-"):
            pass
    except OSError as exc:
        raise CourseError(f"cannot write to {output}: {exc.strerror or exc}") from None
