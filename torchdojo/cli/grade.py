"""``torchdojo grade``: grade topics, report in a format, remember the learner's progress.

Topics, paths and options are checked before torch is imported, so a usage error answers at
once; the fork server starts right after, so its torch import overlaps with ours.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from torchdojo.cli.common import Failure, friendly, load_course, require_plotting
from torchdojo.course import CourseError
from torchdojo.files import write_atomically
from torchdojo.reporters import FORMATS


@click.command()
@click.argument("topics", nargs=-1)
@click.option("--submission", type=click.Path(path_type=Path),
              help="Folder of <topic>.py files laid out like exercises/ (default: exercises/).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for people; json, junit (CI test reports), gradescope (results.json), "
                   "exercism (exercism v3 / GitHub Classroom results.json).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file instead of the terminal.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), help="Replay a run's inputs.")
@click.option("--threads", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Threads torch may use while grading.")
@click.option("--plot", is_flag=True,
              help="Also draw recorded loss curves as PNG files in .torchdojo/plots/.")
@click.option("--strict", is_flag=True,
              help="Authoritative grading for CI and instructors: confined sandboxes (limits, "
                   "own user, no network, nothing of the course in sight).")
@friendly
def grade(topics: tuple[str, ...], submission: Path | None, fmt: str, output: Path | None,
          seed: int | None, threads: int, plot: bool, strict: bool) -> None:
    """Grade TOPICS (default: all) and report every check."""
    if output is not None and not output.resolve().parent.is_dir():
        raise Failure(f"cannot write the report to {output}: its folder does not exist")
    course = load_course()
    course.select(topics)  # an unknown topic is a usage error, before torch is imported
    if submission is not None and not submission.is_dir():
        raise CourseError(f"submission folder {submission} does not exist")
    if plot:
        require_plotting()
    from torchdojo.sandbox import forkserver

    forkserver.start()  # its torch import overlaps with ours
    from torchdojo.engine.grading import grade as grade_course
    from torchdojo.learn.plots import plots_folder, write_plots
    from torchdojo.learn.progress import remember
    from torchdojo.reporters.live import LiveProgress

    with LiveProgress.for_topics(course, topics) as live:
        report = grade_course(course, topics, submission=submission, seed=seed, threads=threads,
                              listener=live, strict=strict,
                              private=[output.resolve()] if output else [])
    if submission is None or submission.resolve() == course.exercises.resolve():
        remember(course.root, report)
    emit(report, fmt, output)
    if plot:
        for line in write_plots(report, plots_folder(course)):
            click.echo(line, err=True)  # on stderr, so stdout stays a report
    sys.exit(report.exit_code)


def emit(report: Any, fmt: str, output: Path | None) -> None:
    """Write the report in ``fmt`` to ``output``, or to the terminal."""
    if fmt != "text":
        from torchdojo.reporters import renderer

        text = renderer(fmt)(report)
        if output is None:
            click.echo(text, nl=False)
        else:
            write_atomically(output, text)
        return
    from torchdojo.reporters import text as text_reporter

    console = Console(highlight=False) if output is None else \
        Console(file=io.StringIO(), no_color=True, width=100, highlight=False)
    text_reporter.render(report, console)
    if output is not None:
        write_atomically(output, console.file.getvalue())
