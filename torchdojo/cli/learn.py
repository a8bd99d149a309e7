"""The learner's commands: ``list``, ``hint``, ``watch``, ``reset`` and ``solution``.

Each maps its options onto the plain functions of ``torchdojo.learn``. Topic names are checked
before anything imports torch, so a typo answers at once. They work in a workspace made by
``torchdojo init`` (and any folder inside it) and in a course checkout.
"""

from __future__ import annotations

import sys

import click
from rich.console import Console

from torchdojo.cli.common import (
    Interrupted,
    friendly,
    learner_course,
    require_plotting,
    shown,
)


class Locked(click.ClickException):
    """Asked for something the learner has not unlocked yet: one line, exit status 1."""

    exit_code = 1


@click.command("list")
@click.argument("topic", required=False)
@friendly
def list_topics(topic: str | None) -> None:
    """Topics in learning order with your progress; with TOPIC, its checks."""
    course = learner_course()
    chosen = course.topic(topic) if topic is not None else None
    from torchdojo.learn import overview
    from torchdojo.learn.progress import Progress
    from torchdojo.learn.workspace import missing

    progress = Progress.load(course.home)
    console = Console(highlight=False)
    if chosen is not None:
        console.print(overview.checks_table(course, progress, chosen))
        return
    rows = overview.topics(course, progress)
    console.print(overview.course_line(rows, console.encoding))
    console.print()
    console.print(overview.table(rows, console.encoding))
    if new := missing(course):
        console.print(f"\nNew in the installed torchdojo: {', '.join(t.name for t in new)}. "
                      "`torchdojo init --update` adds their exercises.", style="yellow")


@click.command()
@click.argument("topic", required=False)
@click.argument("check", required=False)
@friendly
def hint(topic: str | None, check: str | None) -> None:
    """Show the next hint for the first unpassed check of TOPIC (default: your current
    topic), or for CHECK."""
    course = learner_course()
    chosen = course.topic(topic) if topic is not None else None
    from torchdojo.engine import catalog
    from torchdojo.learn import hints, overview
    from torchdojo.learn.progress import Progress

    progress = Progress.load(course.home)
    if chosen is None:
        chosen = overview.current(course, progress)
        if chosen is None:
            click.echo("Every topic is complete: nothing left to hint. `torchdojo solution "
                       "TOPIC` shows a reference to compare with.")
            return
    checks = catalog.checks(course, chosen)
    target = hints.named(chosen.name, checks, check) if check is not None else None
    if target is None and not any(progress.status(chosen.name, c.name) for c in checks):
        from torchdojo.engine.grading import grade

        progress.record(grade(course, [chosen.name]))
    if target is None:
        target = hints.first_unpassed(progress, chosen.name, checks)
    if target is None:
        skipped = sum(progress.skipped(chosen.name, c.name) for c in checks)
        click.echo(f"Every check of {chosen.name} has passed. Nothing left to hint!"
                   if not skipped else
                   f"Every check of {chosen.name} this machine can run has passed; "
                   f"{skipped} need hardware it lacks and were skipped.")
        return
    level = hints.reveal(progress, chosen.name, target)
    progress.keep()
    typed = " ".join(["torchdojo hint", *(a for a in (topic, check) if a)])
    again = f"Run `{typed}` again for a stronger hint."
    Console(highlight=False).print(hints.render(chosen.name, target, level, again))


@click.command()
@click.argument("topic", required=False)
@click.option("--seed", type=click.IntRange(0, 2**31 - 1),
              help="Inputs to grade with (default: one seed for the whole session).")
@click.option("--poll", is_flag=True,
              help="Look for saves by polling, where file events do not arrive.")
@click.option("--plot", is_flag=True,
              help="Also draw recorded loss curves as PNG files in .torchdojo/plots/.")
@friendly
def watch(topic: str | None, seed: int | None, poll: bool, plot: bool) -> None:
    """Grade your current topic every time you save it, moving on as topics complete; with
    TOPIC, stay on that topic (finished or not)."""
    course = learner_course()
    start = course.topic(topic) if topic else None
    if plot:
        require_plotting()
    from torchdojo.sandbox import forkserver

    forkserver.start()  # its torch import overlaps with ours
    from torchdojo.learn.events import Inputs, single_keys
    from torchdojo.learn.plots import plots_folder
    from torchdojo.learn.session import WatchSession
    from torchdojo.learn.watch import Watch
    from torchdojo.seeds import new_seed

    session = WatchSession(course, seed=new_seed() if seed is None else seed, topic=start,
                           pinned=start is not None)
    console = Console(highlight=False)
    inputs = Inputs()
    with single_keys() as single:
        loop = Watch(session, console, inputs, single_keys=single,
                     plots=plots_folder(course) if plot else None)
        inputs.watch(course.exercises, force_polling=poll)
        inputs.read_keys()
        try:
            with loop.catching_interrupts():
                loop.run()
        finally:
            inputs.stop()
    kept = (f"Stopped watching. Your progress is kept in {shown(session.progress.path)}; "
            "`torchdojo list` shows it.")
    if loop.interrupted:
        raise Interrupted(kept)
    if not session.done:
        console.print(kept)


@click.command()
@click.argument("topic")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@friendly
def reset(topic: str, yes: bool) -> None:
    """Put the untouched stub of TOPIC back; your file is kept as a backup."""
    from torchdojo.learn import reset as resetting

    course = learner_course()
    chosen = course.topic(topic)
    target = course.exercise(chosen)
    if resetting.is_untouched(course, chosen):
        click.echo(f"{shown(target)} is already the untouched stub; nothing to reset.")
        return
    if not yes:
        click.confirm(f"Replace {shown(target)} with the untouched stub? Your version is "
                      "kept as a backup.", default=False, abort=True)
    backup = resetting.reset(course, chosen)
    kept = f"; your version is in {shown(backup)}" if backup else ""
    click.echo(f"Reset {shown(target)} to the stub{kept}.")


@click.command()
@click.argument("topic")
@friendly
def solution(topic: str) -> None:
    """Show the reference solution of TOPIC, once every check of it has passed."""
    course = learner_course()
    chosen = course.topic(topic)
    from torchdojo.engine import catalog
    from torchdojo.learn.progress import Progress

    standing = Progress.load(course.home).topic(chosen.name, catalog.checks(course, chosen))
    if not standing.complete:
        raise Locked(f"The reference for {chosen.name} unlocks once every check of it passes "
                     f"({standing.passed} of {standing.checks} so far). Try `torchdojo watch "
                     f"{chosen.name}` or `torchdojo hint {chosen.name}`.")
    code = course.solution(chosen).read_text(encoding="utf-8")
    console = Console(highlight=False)
    if not console.is_terminal:  # a pipe or a file gets the file itself, byte for byte
        sys.stdout.write(code)
        return
    from rich.syntax import Syntax

    console.print(f"[bold]{chosen.title}[/bold] ({chosen.name}): the reference solution",
                  highlight=False)
    # Each line whole, however wide: the terminal wraps what it must, so a copied line is
    # still one line of code (rich would otherwise crop or fold it at the console's width).
    highlighted = Syntax(code, "python", theme="ansi_dark",
                         background_color="default").highlight(code)
    console.print(highlighted, soft_wrap=True)


COMMANDS = (list_topics, hint, watch, reset, solution)
