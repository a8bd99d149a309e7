"""``--plot``: loss curves as PNG files in the course's ``.torchdojo/plots/`` folder."""

from __future__ import annotations

from pathlib import Path

import click

from torchdojo.course import Course
from torchdojo.engine.report import Report
from torchdojo.reporters import curves


def plots_folder(course: Course) -> Path:
    return course.root / ".torchdojo" / "plots"


def require_plotting() -> None:
    """Stop with one line, before any grading, when matplotlib is missing."""
    try:
        curves.ensure_plotting()
    except curves.PlotUnavailable as exc:
        raise click.ClickException(str(exc)) from None


def report_plots(report: Report, folder: Path) -> list[Path]:
    """Write a PNG per recorded curve and say where (on stderr, so stdout stays a report)."""
    try:
        written = curves.write_plots(report, folder)
    except OSError as exc:
        click.echo(f"could not write plots to {folder}: {exc.strerror or exc}", err=True)
        return []
    for path in written:
        click.echo(f"plot: {path}", err=True)
    if not written:
        click.echo("plot: no check recorded a loss curve", err=True)
    return written
