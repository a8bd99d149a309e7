"""The learner's commands: ``watch``, ``reset`` and ``solution`` (registered in ``cli``)."""

from __future__ import annotations

import contextlib
import shutil
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console

from torchdojo import course as course_mod
from torchdojo.author import stubs
from torchdojo.course import Course, Topic


class Locked(click.ClickException):
    """Asked for something the learner has not unlocked yet: one line, exit status 1."""

    exit_code = 1


@click.command()
@click.argument("topic", required=False)
@click.option("--seed", type=click.IntRange(0, 2**31 - 1),
              help="Inputs to grade with (default: one seed for the whole session).")
@click.option("--poll", is_flag=True,
              help="Look for saves by polling, where file events do not arrive.")
@click.option("--plot", is_flag=True,
              help="Also draw recorded loss curves as PNG files in .torchdojo/plots/.")
def watch(topic: str | None, seed: int | None, poll: bool, plot: bool) -> None:
    """Grade your current topic (or TOPIC) every time you save it."""
    from torchdojo.sandbox import forkserver

    forkserver.start()  # its torch import overlaps with ours
    from torchdojo.engine.grading import new_seed
    from torchdojo.learn.events import Inputs, single_keys
    from torchdojo.learn.plots import plots_folder, require_plotting
    from torchdojo.learn.session import WatchSession
    from torchdojo.learn.watch import Watch

    course = course_mod.load()
    start = course.topic(topic) if topic else None
    if plot:
        require_plotting()
    session = WatchSession(course, seed=new_seed() if seed is None else seed, topic=start)
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
    if not session.done:
        console.print(f"Stopped watching. Your progress is kept in "
                      f"{_shown(session.progress.path)}; `torchdojo list` shows it.")


@click.command()
@click.argument("topic")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def reset(topic: str, yes: bool) -> None:
    """Put the untouched stub of TOPIC back; your file is kept as a backup."""
    from torchdojo.learn.progress import Progress

    course = course_mod.load()
    chosen = course.topic(topic)
    target = course.exercise(chosen)
    stub = stubs.derive(course.solution(chosen).read_text(encoding="utf-8"))
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if current == stub:
        click.echo(f"{_shown(target)} is already the untouched stub; nothing to reset.")
        return
    if not yes:
        click.confirm(f"Replace {_shown(target)} with the untouched stub? Your version is "
                      "kept as a backup.", default=False, abort=True)
    backup = _backup(course, chosen) if current is not None else None
    target.write_text(stub, encoding="utf-8")
    progress = Progress.load(course.root)
    progress.forget(chosen.name)
    with contextlib.suppress(OSError):
        progress.save()
    kept = f"; your version is in {_shown(backup)}" if backup else ""
    click.echo(f"Reset {_shown(target)} to the stub{kept}.")


def _backup(course: Course, topic: Topic) -> Path:
    folder = course.root / ".torchdojo" / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{topic.name}-{stamp}.py"
    number = 1
    while path.exists():  # two resets in one second keep both versions
        number += 1
        path = folder / f"{topic.name}-{stamp}-{number}.py"
    shutil.copy2(course.exercise(topic), path)
    return path


@click.command()
@click.argument("topic")
def solution(topic: str) -> None:
    """Show the reference solution of TOPIC, once every check of it has passed."""
    from torchdojo.engine import catalog
    from torchdojo.learn.progress import Progress

    course = course_mod.load()
    chosen = course.topic(topic)
    standing = Progress.load(course.root).topic(chosen.name, catalog.checks(course, chosen))
    if not standing.complete:
        raise Locked(f"The reference for {chosen.name} unlocks once every check of it passes "
                     f"({standing.passed} of {standing.checks} so far). Try `torchdojo watch "
                     f"{chosen.name}` or `torchdojo hint {chosen.name}`.")
    from rich.syntax import Syntax

    code = course.solution(chosen).read_text(encoding="utf-8")
    console = Console(highlight=False)
    console.print(f"[bold]{chosen.title}[/bold] ({chosen.name}): the reference solution, "
                  f"{_shown(course.solution(chosen))}", highlight=False)
    console.print(Syntax(code, "python", theme="ansi_dark", background_color="default"))


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
