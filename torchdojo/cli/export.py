"""``torchdojo export``: build what course CI needs from the course's own sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from torchdojo.cli.common import Failure, friendly, load_course

WORKFLOW = Path(".github") / "workflows" / "torchdojo-grade.yml"
ROSTER = Path("ci") / "roster.txt"


@click.group()
def export() -> None:
    """Build CI artifacts: a Gradescope autograder, a GitHub Actions workflow, a Kubernetes Job."""


@export.command("gradescope")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@friendly
def export_gradescope(output: Path) -> None:
    """Write a Gradescope autograder zip (setup.sh, run_autograder, hidden checks) to OUTPUT."""
    from torchdojo.ci.bundle import build

    if output.suffix != ".zip":
        raise Failure(f"{output} must end in .zip (Gradescope takes a zip file)")
    try:
        names = build(load_course(), output)
    except OSError as exc:
        raise Failure(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output} ({len(names)} files). Upload it as the autograder of a "
               "Gradescope programming assignment; learners submit their exercises/*.py.")


@export.command("github")
@click.argument("repository", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--force", is_flag=True, help="Replace an existing workflow file.")
@friendly
def export_github(repository: Path, force: bool) -> None:
    """Add the grading workflow (and a roster to fill in) to the instructor's REPOSITORY."""
    from torchdojo.ci.bundle import TEMPLATES

    workflow, roster = repository / WORKFLOW, repository / ROSTER
    if workflow.exists() and not force:
        raise Failure(f"{workflow} exists (use --force to replace it)")
    try:
        workflow.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(TEMPLATES / "github" / "torchdojo-grade.yml", workflow)
        if not roster.exists():
            roster.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(TEMPLATES / "github" / "roster.txt", roster)
    except OSError as exc:
        raise Failure(f"cannot write to {repository}: {exc.strerror or exc}") from None
    click.echo(f"wrote {workflow} and {roster}. Add the learner repositories to the roster and "
               "a LEARNER_REPOS_TOKEN secret (read-only Contents); see the README.")
