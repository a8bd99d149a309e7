"""``torchdojo dev``: the course author's commands (``sync``, ``check``)."""

from __future__ import annotations

import click

from torchdojo.cli.common import Failure, friendly, load_course


@click.group()
def dev() -> None:
    """Commands for course authors (see CONTRIBUTING.md)."""


@dev.command("sync")
@friendly
def dev_sync() -> None:
    """Regenerate every exercises/<topic>.py stub, and the README's topic table."""
    from torchdojo.author.sync import sync_course

    for path in sync_course(load_course()):
        click.echo(f"wrote {path}")


@dev.command("check")
@friendly
def dev_check() -> None:
    """Prove the course is consistent: stubs derived and unsolved, solutions pass, hints exist,
    every topic listed where the course names its topics."""
    from torchdojo.author.audit import check_course

    problems = check_course(load_course(), echo=click.echo)
    if problems:
        for problem in problems:
            click.echo(f"✗ {problem}", err=True)
        raise Failure(f"{len(problems)} problem(s) found")
    click.echo("✓ course is consistent")
