"""``torchdojo init``: a learner's workspace from the installed course, without cloning."""

from __future__ import annotations

from pathlib import Path

import click

from torchdojo import course as course_mod
from torchdojo.cli.common import friendly, load_course, shown

DEFAULT = "pytorch-dojo"


@click.command()
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@click.option("--update", is_flag=True,
              help="In an existing workspace (after upgrading torchdojo): add new topics' "
                   "exercises and refresh the files you have not edited; never touch yours.")
@friendly
def init(folder: Path | None, update: bool) -> None:
    """Make a workspace in FOLDER (default: ./pytorch-dojo): the exercises, a README and your
    progress, from the course installed with torchdojo."""
    from torchdojo.learn import workspace

    if update:
        _update(folder)
        return
    target = folder if folder is not None else Path(DEFAULT)
    made = workspace.create(course_mod.installed(), target)
    go = shown(made)
    click.echo(f"Made a torchdojo workspace in {go}/: exercises/ (one file per topic), "
               "README.md and .torchdojo/ (your progress).")
    click.echo("Start with:" + (f"\n  cd {go}" if go != "." else "") + "\n  torchdojo watch")


def _update(folder: Path | None) -> None:
    from torchdojo.learn import workspace

    course = course_mod.locate(folder) if folder is not None else load_course()
    updated = workspace.update(course)
    for path in updated.added:
        click.echo(f"added {shown(path)}")
    for path in updated.refreshed:
        click.echo(f"refreshed {shown(path)} (you had not edited it)")
    for path in updated.kept:
        click.echo(f"kept {shown(path)}: you edited it and the course's version changed; "
                   f"`torchdojo reset {path.stem}` starts it over from the new stub"
                   if path.suffix == ".py" else
                   f"kept {shown(path)}: you edited it (the new version was not written)")
    if not (updated.added or updated.refreshed or updated.kept):
        click.echo("The workspace is up to date.")
