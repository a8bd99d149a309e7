"""``torchdojo grade-batch``: progress for people, one line per learner for logs."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from torchdojo.batch.folders import find_learners, prepare_output
from torchdojo.batch.shards import Shard
from torchdojo.ci import strict_available
from torchdojo.cli.common import Failure, friendly, load_course, strict_options
from torchdojo.engine.report import Report
from torchdojo.engine.sanitize import text
from torchdojo.reporters.common import number


@click.command("grade-batch")
@click.argument("submissions", type=click.Path(path_type=Path))
@click.argument("topics", nargs=-1)
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="Folder for gradebook.csv and reports/<learner>.json (created if needed).")
@click.option("--workers", type=click.IntRange(1, 512),
              help="Learners graded at once (default: the number of CPU cores).")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1),
              help="Inputs for every learner (default: the output's seed, else a new one).")
@click.option("--strict", is_flag=True, help="Authoritative grading with a confined sandbox; "
              "refuses where a confinement is not available, unless --allow-weaker names it.")
@click.option("--allow-weaker", "allow_weaker", multiple=True, metavar="KIND[,KIND...]",
              help="With --strict: grade even though these confinements are not available "
                   "here (e.g. memory,user); every report lists them as waived.")
@click.option("--shard", "shard_spec", metavar="K/N",
              help="Grade only shard K of N: a fixed part of the learners, by learner id.")
@click.option("--resume", is_flag=True,
              help="Keep learners whose report in OUTPUT is complete for the same seed, course, "
                   "torchdojo version and submission; grade the rest.")
@friendly
def grade_batch(submissions: Path, topics: tuple[str, ...], output: Path, workers: int | None,
                seed: int | None, strict: bool, allow_weaker: tuple[str, ...],
                shard_spec: str | None, resume: bool) -> None:
    """Grade every learner folder in SUBMISSIONS (each laid out like exercises/) in parallel,
    on TOPICS (default: every topic)."""
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        shard = Shard.parse(shard_spec) if shard_spec is not None else None
    except ValueError as exc:
        raise Failure(f"--shard {exc}") from None
    again = _resume_command(submissions, topics, output, shard, strict, allow_weaker)
    try:
        if strict and not strict_available():
            raise Failure("strict grading is not available in this build of torchdojo")
        waived = strict_options(strict, allow_weaker)  # before any worker starts
        course = load_course()
        course.select(topics)  # an unknown topic fails before any worker starts
        find_learners(submissions, output)  # fail fast, before torch is imported
        prepare_output(output)
        # imports torch: after the checks above
        from torchdojo.batch import grade_all
        from torchdojo.batch.interrupt import Interrupt, Interrupted

        with Interrupt() as interrupt:
            try:
                batch = grade_all.prepare(course, submissions, output, workers=workers,
                                          topics=topics, seed=seed, strict=strict,
                                          allow_weaker=waived, shard=shard, resume=resume,
                                          interrupt=interrupt)
            except Interrupted:
                raise KeyboardInterrupt from None
            _announce(console, batch, shard)
            with _Display(console, len(batch.todo)) as display:
                grade_all.run(course, batch, on_event=display.event, interrupt=interrupt)
    except KeyboardInterrupt:
        console.print(f"Interrupted before grading started. Run again with: {again}",
                      markup=False)
        _leave(130)
    if batch.signum:
        console.print(f"Interrupted: {len(batch.unfinished)} learner(s) not graded yet; what "
                      f"finished is saved in {batch.output}. Resume with: {again}",
                      style="yellow", markup=False)
        _leave(128 + batch.signum)
    console.print(f"Graded {len(batch.todo)} learner(s) in {batch.seconds:.1f} s "
                  f"(seed {batch.seed}; replay with --seed {batch.seed}).")
    console.print(f"Gradebook: {batch.gradebook}", markup=False)
    console.print(f"Reports:   {batch.out.reports}/", markup=False)
    if batch.errors:
        console.print(f"{len(batch.errors)} learner(s) have no grade and need a regrade: "
                      + ", ".join(map(text, batch.errors)), style="yellow", markup=False)
        sys.exit(1)


def _leave(code: int) -> None:
    """Exit now. Every worker and sandbox is gone and every result is on disk by then; what is
    left is the interpreter's own shutdown, which with torch loaded takes seconds on a busy
    machine (measured: 20 s for a bare `import torch` at load 18), too long for a Ctrl-C.
    ``quick_exit`` skips it, and still stops what multiprocessing started for the workers."""
    from torchdojo.quick_exit import quick_exit

    quick_exit(code)


def _announce(console: Console, batch: Any, shard: Shard | None) -> None:
    part = f" of shard {shard}" if shard else ""
    kept = f"; {len(batch.kept)} kept from an earlier run" if batch.kept else ""
    console.print(f"Grading {len(batch.todo)} learner(s){part} with {batch.workers} "
                  f"worker(s){kept}...")


def _resume_command(submissions: Path, topics: tuple[str, ...], output: Path,
                    shard: Shard | None, strict: bool, allow_weaker: tuple[str, ...]) -> str:
    """The command that picks up where this one stopped (the output keeps the seed)."""
    words = ["torchdojo", "grade-batch", str(submissions), *topics, "--output", str(output),
             *(["--shard", str(shard)] if shard else []), *(["--strict"] if strict else []),
             *(f"--allow-weaker={kinds}" for kinds in allow_weaker), "--resume"]
    return shlex.join(words)


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
        line = f"[{self.finished}/{self.total}] {text(learner)}: {text(_outcome(report))}"
        if self.bar is None:
            self.console.print(line, highlight=False, markup=False)
            return
        self.bar.console.print(line, highlight=False, markup=False)
        self.bar.update(self.task, advance=1)
        self._describe()

    def _describe(self) -> None:
        if self.bar is not None:
            names = ", ".join(escape(text(name)) for name in self.busy)  # shown as markup
            self.bar.update(self.task, description=f"now: {names}")


def _outcome(report: Report) -> str:
    if report.fault:
        return f"no grade ({report.fault})"
    return f"{number(report.score)}/{number(report.max_score)}"

