"""The ``torchdojo`` command. Commands are thin: they parse, call the engine, render."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from torchdojo import course as course_mod
from torchdojo.course import Course, CourseError
from torchdojo.files import write_atomically
from torchdojo.reporters import FORMATS, renderer
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


def strict_options(strict: bool, allow_weaker: tuple[str, ...]) -> tuple[str, ...]:
    """Check ``--strict``/``--allow-weaker`` before anything starts: strict grading refuses
    (one line, exit 2) where this machine cannot confine a sandbox as it promises."""
    if allow_weaker and not strict:
        raise Failure("--allow-weaker only applies to --strict grading")
    if not strict:
        return ()
    from torchdojo.engine.strict import require

    return require(allow_weaker)


def console_for(output: Path | None) -> Console:
    if output is None:
        return Console(highlight=False)
    return Console(file=io.StringIO(), no_color=True, width=100, highlight=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="torchdojo")
def main() -> None:
    """Learn PyTorch by doing: fill in exercises/, then grade them."""


@main.command("list")
@click.argument("topic", required=False)
@friendly
def list_topics(topic: str | None) -> None:
    """Topics in learning order with your progress; with TOPIC, its checks."""
    from torchdojo.learn import overview
    from torchdojo.progress import Progress

    course = load_course()
    progress = Progress.load(course.root)
    console = Console(highlight=False)
    if topic is not None:
        console.print(overview.checks_table(course, progress, course.topic(topic)))
        return
    rows = overview.topics(course, progress)
    console.print(overview.course_line(rows, console.encoding))
    console.print()
    console.print(overview.table(rows, console.encoding))


@main.command()
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
                   "own user, no network, nothing of the course in sight). Refuses to grade "
                   "where a confinement is not available, unless --allow-weaker names it.")
@click.option("--allow-weaker", "allow_weaker", multiple=True, metavar="KIND[,KIND...]",
              help="With --strict: grade even though these confinements are not available "
                   "here (e.g. memory,user); the report lists them as waived.")
@friendly
def grade(topics: tuple[str, ...], submission: Path | None, fmt: str, output: Path | None,
          seed: int | None, threads: int, plot: bool, strict: bool,
          allow_weaker: tuple[str, ...]) -> None:
    """Grade TOPICS (default: all) and report every check."""
    if output is not None and not output.resolve().parent.is_dir():
        raise Failure(f"cannot write the report to {output}: its folder does not exist")
    waived = strict_options(strict, allow_weaker)
    forkserver.start()  # its torch import overlaps with ours
    from torchdojo.engine.run import grade as run_grade
    from torchdojo.learn.plots import plots_folder, report_plots, require_plotting
    from torchdojo.reporters.live import LiveProgress

    course = load_course()
    if plot:
        require_plotting()
    with LiveProgress.for_topics(course, topics) as live:
        report = run_grade(course, topics, submission=submission, seed=seed, threads=threads,
                           listener=live, strict=strict, allow_weaker=waived,
                           private=[output.resolve()] if output else [])
    if submission is None or Path(submission).resolve() == course.exercises.resolve():
        _remember(course, report)
    _emit(report, fmt, output)
    if plot:
        report_plots(report, plots_folder(course))
    sys.exit(report.exit_code)


def _emit(report: Any, fmt: str, output: Path | None) -> None:
    if fmt != "text":
        text = renderer(fmt)(report)
        if output is None:
            click.echo(text, nl=False)
        else:
            write_atomically(output, text)
        return
    from torchdojo.reporters import text as text_reporter

    console = console_for(output)
    text_reporter.render(report, console)
    if output is not None:
        write_atomically(output, console.file.getvalue())


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
    from torchdojo.learn import hints
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
        target = hints.first_unpassed(progress, chosen.name, checks)
        if target is None:
            skipped = sum(progress.skipped(chosen.name, c.name) for c in checks)
            click.echo(f"Every check of {chosen.name} has passed. Nothing left to hint!"
                       if not skipped else
                       f"Every check of {chosen.name} this machine can run has passed; "
                       f"{skipped} need hardware it lacks and were skipped.")
            return
    level = hints.reveal(progress, chosen.name, target)
    with contextlib.suppress(OSError):  # a read-only course still hints; progress is a nicety
        progress.save()
    again = f"Run `torchdojo hint {chosen.name}` again for a stronger hint."
    Console(highlight=False).print(hints.render(chosen.name, target, level, again))


def _register_learner_commands() -> None:
    from torchdojo.learn import commands

    for command in (commands.watch, commands.reset, commands.solution):
        command.callback = friendly(command.callback)
        main.add_command(command)


_register_learner_commands()


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


def _register_commands() -> None:
    """Commands that live in their own modules (they import the helpers above)."""
    from torchdojo.batch.command import grade_batch
    from torchdojo.ci.command import export
    from torchdojo.notebooks.cli import nbgrader

    main.add_command(grade_batch)
    main.add_command(export)
    main.add_command(nbgrader)


_register_commands()
