"""``torchdojo nbgrader export`` and ``torchdojo nbgrader grade``: the instructor's commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from torchdojo.cli.common import Failure, friendly, load_course, strict_options

MISSING = "nbgrader is not installed here: pip install 'torchdojo[nbgrader]'"


def _need_nbgrader() -> None:
    """Whether nbgrader is installed, without importing it (nbformat's schemas alone take a
    second and a half): a usage error is answered at once."""
    from importlib.util import find_spec

    if find_spec("nbformat") is None or find_spec("nbgrader") is None:
        raise Failure(MISSING)


@click.group("nbgrader")
def nbgrader() -> None:
    """Distribute the course through nbgrader and grade what comes back."""


@nbgrader.command("export")
@click.argument("course_dir", type=click.Path(file_okay=False, path_type=Path))
@click.argument("topics", nargs=-1)
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), default=0, show_default=True,
              help="Derives the hidden tests' inputs; the same seed writes the same notebooks.")
@friendly
def export_command(course_dir: Path, topics: tuple[str, ...], seed: int) -> None:
    """Write COURSE_DIR/source/<topic>/<topic>.ipynb for TOPICS (default: all) and the
    course's nbgrader_config.py."""
    course = load_course()
    selected = course.select(topics)  # an unknown topic is a usage error, before any import
    _need_nbgrader()
    from torchdojo.notebooks.source_course import export

    for path in export(course, course_dir, selected, seed=seed):
        click.echo(f"wrote {path}")
    click.echo(f"next: cd {course_dir} && nbgrader generate_assignment "
               f"{selected[0].name}  (one assignment per topic)")


@nbgrader.command("grade")
@click.argument("course_dir", type=click.Path(file_okay=False, path_type=Path))
@click.argument("assignment")
@click.option("--student", "students", multiple=True, help="Grade only this student "
              "(repeatable; default: every submission).")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), help="Replay a run's inputs.")
@click.option("--reports", type=click.Path(file_okay=False, path_type=Path),
              help="Also write one JSON report per student into this folder.")
@click.option("--workers", type=click.IntRange(1, 512),
              help="Students graded at once (default: the number of CPU cores).")
@click.option("--strict", is_flag=True, help="Authoritative grading: confined sandboxes that "
              "see nothing of the course folder, the gradebook or other students' files; "
              "refuses where a confinement is not available, unless --allow-weaker names it.")
@click.option("--allow-weaker", "allow_weaker", multiple=True, metavar="KIND[,KIND...]",
              help="With --strict: grade even though these confinements are not available "
                   "here (e.g. memory,user); the reports list them as waived.")
@friendly
def grade_command(course_dir: Path, assignment: str, students: tuple[str, ...],
                  seed: int | None, reports: Path | None, workers: int | None, strict: bool,
                  allow_weaker: tuple[str, ...]) -> None:
    """Grade the submitted notebooks of ASSIGNMENT in COURSE_DIR with torchdojo, write the
    scores into nbgrader's gradebook and each check's lesson into the autograded notebooks
    (for nbgrader generate_feedback)."""
    _need_nbgrader()
    waived = strict_options(strict, allow_weaker)  # before anything is read or graded
    from torchdojo.batch.folders import default_workers
    from torchdojo.notebooks.autograde import grade_assignment
    from torchdojo.notebooks.feedback import NO_AUTOGRADED
    from torchdojo.seeds import new_seed

    console = Console(highlight=False, soft_wrap=True)
    seed = new_seed() if seed is None else seed
    graded = grade_assignment(load_course(), course_dir, assignment, seed=seed,
                              students=students, workers=workers or default_workers(),
                              strict=strict, allow_weaker=waived,
                              private=(reports.resolve(),) if reports is not None else (),
                              on_plan=lambda plan: _show_plan(console, plan, course_dir, seed),
                              echo=lambda student: _show_student(console, student))
    if reports is not None:
        _write_reports(reports, graded)
    if not graded:
        console.print(f"no submissions of {assignment} found under "
                      f"{course_dir / 'submitted'}")
    failed = [g for g in graded if g.problem]
    unexplained = [g.student for g in graded if any(NO_AUTOGRADED in n for n in g.feedback)]
    if unexplained:
        console.print(f"[yellow]![/] {len(unexplained)} submission(s) have no autograded "
                      f"notebook, so their feedback will not show torchdojo's lessons: run "
                      f"`nbgrader autograde {escape(assignment)}` first, then this again")
    console.print(f"{len(graded) - len(failed)} of {len(graded)} submission(s) written to "
                  "the gradebook")
    sys.exit(2 if failed else 0)


def _show_plan(console: Console, plan, course_dir: Path, seed: int) -> None:
    console.print(f"grading {plan.name} in {course_dir} (seed {seed})")
    for name in plan.skipped:
        console.print(f"[yellow]![/] notebook {name} is not a torchdojo topic; left to "
                      "nbgrader autograde")
    for line in plan.drift:
        console.print(f"[yellow]![/] {line} (regenerate the assignment)")


def _show_student(console: Console, student) -> None:
    from torchdojo.notebooks.autograde import student_lines

    for line in student_lines(student):
        console.print(line)


def _write_reports(folder: Path, graded: list) -> None:
    from torchdojo.notebooks.autograde import report_data
    from torchdojo.reporters.json import dumps

    folder.mkdir(parents=True, exist_ok=True)
    for student in graded:
        path = folder / f"{student.student}.json"
        path.write_text(dumps(report_data(student)), encoding="utf-8")
