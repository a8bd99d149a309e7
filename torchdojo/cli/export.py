"""``torchdojo export``: build what course CI needs from the course's own sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from torchdojo.cli.common import Failure, friendly, load_course

WORKFLOW = Path(".github") / "workflows" / "torchdojo-grade.yml"
ROSTER = Path("ci") / "roster.txt"
CLASSROOM = Path(".github") / "workflows" / "classroom.yml"


@click.group()
def export() -> None:
    """Build CI artifacts: a Gradescope autograder, GitHub Actions and Classroom workflows, a
    Kubernetes Job."""


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


@export.command("classroom")
@click.argument("repository", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--topic", "topics", multiple=True,
              help="A topic this assignment grades (repeatable; default: every topic).")
@click.option("--force", is_flag=True, help="Replace an existing workflow file.")
@friendly
def export_classroom(repository: Path, topics: tuple[str, ...], force: bool) -> None:
    """Add GitHub Classroom's autograding workflow to an assignment's template REPOSITORY."""
    from torchdojo.ci.bundle import TEMPLATES
    from torchdojo.ci.classroom import workflow

    names = [t.name for t in load_course().select(topics)] if topics else []
    target = repository / CLASSROOM
    if target.exists() and not force:
        raise Failure(f"{target} exists (use --force to replace it)")
    text = workflow((TEMPLATES / "classroom" / "classroom.yml").read_text(), names)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    except OSError as exc:
        raise Failure(f"cannot write to {repository}: {exc.strerror or exc}") from None
    click.echo(f"wrote {target}. Commit it to the assignment's template repository; Classroom "
               "records the points of every push (advisory: see the README).")
