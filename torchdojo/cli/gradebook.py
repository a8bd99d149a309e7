"""``torchdojo gradebook``: join shard outputs into one gradebook, or rebuild one from reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from torchdojo.batch.merge import Merged
from torchdojo.cli.common import friendly, load_course


@click.group()
def gradebook() -> None:
    """Gradebooks of grade-batch outputs: merge shards, rebuild from reports."""


@gradebook.command("merge")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="Folder for the merged gradebook.csv, reports/ and batch.json (a new folder, "
                   "or one that holds the same batch: its other learners are kept).")
@friendly
def merge(folders: tuple[Path, ...], output: Path) -> None:
    """Merge the grade-batch outputs FOLDERS (the shards of one batch, or a regrade of some
    learners) into OUTPUT. Every input is checked as untrusted data against this course."""
    from torchdojo.batch.merge import merge as run_merge

    merged = run_merge(load_course(), list(folders), output)
    _report(merged, f"Merged {len(folders)} folder(s)")


@gradebook.command("rebuild")
@click.argument("folder", type=click.Path(path_type=Path))
@friendly
def rebuild(folder: Path) -> None:
    """Write FOLDER's gradebook.csv again from its reports/ (a grade-batch output)."""
    from torchdojo.batch.merge import rebuild as run_rebuild

    _report(run_rebuild(load_course(), folder), "Rebuilt")


def _report(merged: Merged, done: str) -> None:
    out = merged.output
    counts = {}
    for learner in out.learners:
        counts[out.state(learner)] = counts.get(out.state(learner), 0) + 1
    summary = ", ".join(f"{n} {state.replace('_', ' ')}" for state, n in sorted(counts.items()))
    click.echo(f"{done}: {len(out.learners)} learner(s) ({summary or 'none'}), "
               f"seed {out.key.seed}. Gradebook: {out.gradebook}", err=True)
    problems = []
    if merged.missing_shards:
        problems.append(f"shard(s) {', '.join(merged.missing_shards)} missing: their learners "
                        "are not in the gradebook")
    for learner in merged.needs_regrade:
        reason = out.refused.get(learner) or out.records[learner].get("reason", "")
        problems.append(f"{learner} needs a regrade: {reason}")
    if merged.pending:
        problems.append(f"{len(merged.pending)} learner(s) not graded yet: "
                        + ", ".join(merged.pending))
    for problem in problems:
        click.echo(f"✗ {problem}", err=True)
    sys.exit(1 if problems else 0)
