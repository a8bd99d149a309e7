"""``torchdojo dev``: the course author's commands (``sync``, ``check``, ``seeds``).

``sync`` writes into a course checkout only: a learner's workspace, or the course a wheel
installed, holds nothing of the author's to write. ``check`` reads the course's own sources
wherever they are (never a workspace's exercises).
"""

from __future__ import annotations

import sys

import click

from torchdojo import course as course_mod
from torchdojo.cli.common import Failure, friendly, load_course, shown
from torchdojo.course import Course


@click.group()
def dev() -> None:
    """Commands for course authors, in a course checkout (see CONTRIBUTING.md)."""


def _checkout() -> Course:
    course = load_course()
    if course.workspace is not None or course.packaged:
        raise Failure("`torchdojo dev` works in a course checkout (a folder with "
                      "graders/manifest.toml); this is a learner's workspace or an installed "
                      "course")
    return course


@dev.command("sync")
@click.option("--force", is_flag=True,
              help="Replace exercises that hold a learner's work without asking (each is "
                   "backed up in .torchdojo/backups/ first).")
@friendly
def dev_sync(force: bool) -> None:
    """Regenerate every exercises/<topic>.py stub, and the README's topic table.

    An exercise that holds a learner's work is only replaced after you confirm (or with
    --force), and a backup of it is kept in .torchdojo/backups/."""
    from torchdojo.author.sync import stale_stubs, sync_course

    course = _checkout()
    work = [shown(s.path) for s in stale_stubs(course) if s.learner_work]
    if work and not force:
        names = ", ".join(work)
        if not sys.stdin.isatty():
            raise Failure(f"not replacing {names}: it holds work that is not a generated stub "
                          "(run `torchdojo dev sync --force` to replace it; a backup is kept "
                          "in .torchdojo/backups/)")
        click.confirm(f"{names} hold(s) work that is not a generated stub. Replace with the "
                      "stub? A backup is kept in .torchdojo/backups/", default=False, abort=True)
    synced = sync_course(course, replace_work=True)
    for path in synced.written:
        kept = synced.backups.get(path)
        click.echo(f"wrote {path}" + (f" (the old version is in {shown(kept)})" if kept else ""))


@dev.command("check")
@friendly
def dev_check() -> None:
    """Prove the course is consistent: stubs derived and unsolved, solutions pass, hints exist,
    every topic listed where the course names its topics."""
    from torchdojo.author.audit import check_course

    problems = check_course(course_mod.load(load_course().root), echo=click.echo)
    if problems:
        for problem in problems:
            click.echo(f"✗ {problem}", err=True)
        raise Failure(f"{len(problems)} problem(s) found")
    click.echo("✓ course is consistent")


@dev.command("seeds")
@click.argument("topics", nargs=-1)
@click.option("--count", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="How many seeds to grade from, drawn as grades draw them.")
@click.option("--start", type=int, default=0, show_default=True,
              help="Seeds the draw of seeds, so a run can be repeated.")
@click.option("--seed", "seeds", type=click.IntRange(0), multiple=True,
              help="Grade from this seed instead of drawn ones (repeatable).")
@friendly
def dev_seeds(topics: tuple[str, ...], count: int, start: int, seeds: tuple[int, ...]) -> None:
    """Grade the reference solutions of TOPICS (default: all) from many seeds and list every
    check they lose, with the command that reproduces it. A reference must pass from every
    seed: a loss is a bar in the grader that a correct solution can miss by chance."""
    from torchdojo.author.seeds import drawn_seeds, reference_misses

    course = course_mod.load(load_course().root)
    names = [t.name for t in course.select(topics)]  # an unknown topic fails before grading
    missed = reference_misses(course, names, list(seeds) or drawn_seeds(count, start),
                              echo=click.echo)
    if missed:
        for miss in missed:
            click.echo(f"✗ {miss}", err=True)
        raise Failure(f"the references lost {len(missed)} check(s): each is a bar to fix")
    click.echo("✓ the references get full marks from every seed")
