"""``--plot``: loss curves as PNG files in the course's ``.torchdojo/plots/`` folder."""

from __future__ import annotations

from pathlib import Path

from torchdojo.course import Course
from torchdojo.engine.report import Report
from torchdojo.reporters import curves


def plots_folder(course: Course) -> Path:
    return course.root / ".torchdojo" / "plots"


def write_plots(report: Report, folder: Path) -> list[str]:
    """Write a PNG per recorded curve; returns the lines that say where (or why not)."""
    try:
        written = curves.write_plots(report, folder)
    except OSError as exc:
        return [f"could not write plots to {folder}: {exc.strerror or exc}"]
    return [f"plot: {path}" for path in written] or ["plot: no check recorded a loss curve"]
