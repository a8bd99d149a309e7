"""``torchdojo grade-batch``: progress for people, one line per learner for logs."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from torchdojo.batch.inputs import default_workers, find_learners, prepare_output
from torchdojo.ci import strict_available
from torchdojo.cli import Failure, friendly, load_course, strict_options
from torchdojo.engine.report import Report
from torchdojo.reporters.common import number


@click.command("grade-batch")
@click.argument("submissions", type=click.Path(path_type=Path))
@click.argument("topics", nargs=-1)
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="Folder for gradebook.csv and reports/<learner>.json (created if needed).")
@click.option("--workers", type=click.IntRange(1, 512),
              help="Learners graded at once (default: the number of CPU cores).")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1),
              help="Inputs for every learner (default: a new seed, printed and kept in reports).")
@click.option("--strict", is_flag=True, help="Authoritative grading with a confined sandbox; "
              "refuses where a confinement is not available, unless --allow-weaker names it.")
@click.option("--allow-weaker", "allow_weaker", multiple=True, metavar="KIND[,KIND...]",
              help="With --strict: grade even though these confinements are not available "
                   "here (e.g. memory,user); every report lists them as waived.")
@friendly
def grade_batch(submissions: Path, topics: tuple[str, ...], output: Path, workers: int | None,
                seed: int | None, strict: bool, allow_weaker: tuple[str, ...]) -> None:
    """Grade every learner folder in SUBMISSIONS (each laid out like exercises/) in parallel,
    on TOPICS (default: every topic)."""
    if strict and not strict_available():
        raise Failure("strict grading is not available in this build of torchdojo")
    waived = strict_options(strict, allow_weaker)  # before any worker starts
    course = load_course()
    course.select(topics)  # an unknown topic fails before any worker starts
    count = len(find_learners(submissions, output))  # fail fast, before any worker starts
    prepare_output(output)
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    size = min(workers or default_workers(), count)
    from torchdojo.batch.run import grade_batch as run_batch  # imports torch: after the checks

    console.print(f"Grading {count} learner(s) with {size} worker(s)...")
    with _Display(console, count) as display:
        batch = run_batch(course, submissions, output, workers=workers, topics=topics, seed=seed,
                          strict=strict, allow_weaker=waived, on_event=display.event)
    console.print(f"Graded {len(batch.learners)} learner(s) in {batch.seconds:.1f} s "
                  f"(seed {batch.seed}; replay with --seed {batch.seed}).")
    console.print(f"Gradebook: {batch.gradebook}", soft_wrap=True)
    console.print(f"Reports:   {batch.output / 'reports'}/", soft_wrap=True)
    if batch.errors:
        console.print(f"{len(batch.errors)} learner(s) have no grade and need a regrade: "
                      + ", ".join(batch.errors), style="yellow")
        sys.exit(1)


class _Display:
    """A progress bar on a terminal; one plain line per learner anywhere else (CI logs)."""

    def __init__(self, console: Console, total: int) -> None:
        self.console = console
        self.total = total
        self.finished = 0
        self.busy: list[str] = []
        self.bar: Progress | None = None
        if console.is_terminal:
            self.bar = Progress(TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), TextColumn("{task.description}"),
                                console=console, transient=True)
            self.task = self.bar.add_task("", total=total)

    def __enter__(self) -> _Display:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def event(self, kind: str, learner: str, report: Report | None) -> None:
        if kind == "start":
            self.busy.append(learner)
            self._describe()
        if kind != "done" or report is None:
            return
        if learner in self.busy:
            self.busy.remove(learner)
        self.finished += 1
        line = f"[{self.finished}/{self.total}] {learner}: {_outcome(report)}"
        if self.bar is None:
            self.console.print(line, highlight=False, markup=False)
            return
        self.bar.console.print(line, highlight=False, markup=False)
        self.bar.update(self.task, advance=1)
        self._describe()

    def _describe(self) -> None:
        if self.bar is not None:
            self.bar.update(self.task, description="now: " + ", ".join(self.busy))


def _outcome(report: Report) -> str:
    if report.fault:
        return f"no grade ({report.fault})"
    return f"{number(report.score)}/{number(report.max_score)}"

