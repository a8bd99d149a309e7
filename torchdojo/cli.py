"""The ``torchdojo`` command. Commands are thin: they parse, call the engine, render."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from torchdojo import course as course_mod
from torchdojo.course import Course, CourseError
from torchdojo.sandbox import forkserver


class Failure(click.ClickException):
    """A user-facing error: one line, exit status 2."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message


def friendly(fn: Callable) -> Callable:
    """Turn known problems into one-line errors; never show a traceback for a user's mistake."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CourseError as exc:
            raise Failure(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise Failure("interrupted") from None
        except Exception as exc:
            if os.environ.get("TORCHDOJO_DEBUG"):
                raise
            raise Failure(f"internal error: {type(exc).__name__}: {exc} "
                          "(set TORCHDOJO_DEBUG=1 for the traceback)") from None

    return wrapper


def load_course() -> Course:
    return course_mod.load()


def console_for(output: Path | None) -> Console:
    if output is None:
        return Console(highlight=False)
    return Console(file=open(output, "w", encoding="utf-8"), no_color=True, width=100,
                   highlight=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="torchdojo")
def main() -> None:
    """Learn PyTorch by doing: fill in exercises/, then grade them."""


@main.command("list")
@friendly
def list_topics() -> None:
    """Topics in learning order, with their status and points."""
    from torchdojo.engine import catalog
    from torchdojo.progress import Progress

    course = load_course()
    progress = Progress.load(course.root)
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    for column in ("#", "topic", "status", "points", "about"):
        table.add_column(column, no_wrap=column != "about", overflow="ellipsis")
    for number, topic in enumerate(course.topics, 1):
        checks = catalog.checks(course, topic)
        done = [c for c in checks if progress.passed(topic.name, c.name)]
        state = ("done" if checks and len(done) == len(checks)
                 else "started" if any(progress.status(topic.name, c.name) for c in checks)
                 else "new")
        table.add_row(str(number), topic.name, state,
                      f"{sum(c.points for c in done)}/{sum(c.points for c in checks)}",
                      topic.summary)
    Console(highlight=False).print(table)


@main.command()
@click.argument("topics", nargs=-1)
@click.option("--submission", type=click.Path(path_type=Path),
              help="Folder of <topic>.py files laid out like exercises/ (default: exercises/).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file instead of the terminal.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), help="Replay a run's inputs.")
@click.option("--threads", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Threads torch may use while grading.")
@friendly
def grade(topics: tuple[str, ...], submission: Path | None, fmt: str, output: Path | None,
          seed: int | None, threads: int) -> None:
    """Grade TOPICS (default: all) and report every check."""
    course = load_course()
    forkserver.start(course.preload(topics))  # its torch import overlaps with ours
    from torchdojo.engine.run import grade as run_grade

    report = run_grade(course, topics, submission=submission, seed=seed, threads=threads)
    if submission is None or Path(submission).resolve() == course.exercises.resolve():
        _remember(course, report)
    _emit(report, fmt, output)
    sys.exit(report.exit_code)


def _emit(report: Any, fmt: str, output: Path | None) -> None:
    if fmt == "json":
        from torchdojo.reporters import json as json_reporter

        text = json_reporter.render(report)
        if output is None:
            click.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
        return
    from torchdojo.reporters import text as text_reporter

    console = console_for(output)
    text_reporter.render(report, console)
    if output is not None:
        console.file.close()


def _remember(course: Course, report: Any) -> None:
    from torchdojo.progress import Progress

    progress = Progress.load(course.root)
    progress.record(report)
    with contextlib.suppress(OSError):  # a read-only course still grades; progress is a nicety
        progress.save()


@main.command()
@click.argument("topic")
@click.argument("check", required=False)
@friendly
def hint(topic: str, check: str | None) -> None:
    """Show the next hint for the first unpassed check of TOPIC (or for CHECK)."""
    from torchdojo.engine import catalog
    from torchdojo.engine.run import grade as run_grade
    from torchdojo.progress import Progress

    course = load_course()
    chosen = course.topic(topic)
    checks = catalog.checks(course, chosen)
    progress = Progress.load(course.root)
    if check is None and not any(progress.status(chosen.name, c.name) for c in checks):
        report = run_grade(course, [chosen.name])
        progress.record(report)
    if check is not None:
        target = next((c for c in checks if c.name == check), None)
        if target is None:
            names = ", ".join(c.name for c in checks)
            raise Failure(f"topic {chosen.name} has no check {check!r} (checks: {names})")
    else:
        target = next((c for c in checks if not progress.passed(chosen.name, c.name)), None)
        if target is None:
            click.echo(f"Every check of {chosen.name} has passed. Nothing left to hint!")
            return
    level = progress.next_hint(chosen.name, target.name, len(target.hints))
    progress.save()
    console = Console(highlight=False)
    console.print(f"[bold]{chosen.name} · {target.name}[/bold] ({target.concept}), "
                  f"hint {level} of {len(target.hints)}:")
    for number, text in enumerate(target.hints[:level], 1):
        style = "" if number == level else "dim"
        console.print(f"  {number}. {text}", style=style, highlight=False)
    if level < len(target.hints):
        console.print(f"Run `torchdojo hint {chosen.name}` again for a stronger hint.",
                      style="dim")


@main.group()
def dev() -> None:
    """Commands for course authors."""


@dev.command("sync")
@friendly
def dev_sync() -> None:
    """Regenerate every exercises/<topic>.py stub from its solution."""
    from torchdojo.devtools import sync_stubs

    for path in sync_stubs(load_course()):
        click.echo(f"wrote {path}")


@dev.command("check")
@friendly
def dev_check() -> None:
    """Prove the course is consistent: stubs derived and unsolved, solutions pass, hints exist."""
    from torchdojo.devtools import check_course

    problems = check_course(load_course(), echo=click.echo)
    if problems:
        for problem in problems:
            click.echo(f"✗ {problem}", err=True)
        raise Failure(f"{len(problems)} problem(s) found")
    click.echo("✓ course is consistent")
