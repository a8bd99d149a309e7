"""``torchdojo export kubernetes``: the course's grading as a Kubernetes Indexed Job."""

from __future__ import annotations

from pathlib import Path

import click

from torchdojo.batch.shards import MAX_SHARDS
from torchdojo.cli.common import Failure, friendly, load_course
from torchdojo.files import write_atomically


@click.command("kubernetes")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("topics", nargs=-1)
@click.option("--image", required=True,
              help="Container image with torchdojo and this course installed.")
@click.option("--shards", required=True, type=click.IntRange(1, MAX_SHARDS),
              help="Pods (shards) the learners are split into.")
@click.option("--parallelism", type=click.IntRange(1, MAX_SHARDS),
              help="Pods running at once (default: every shard).")
@click.option("--workers", type=click.IntRange(1, 512), default=4, show_default=True,
              help="Learners graded at once in each pod (its CPU request).")
@click.option("--claim", default="torchdojo-data", show_default=True,
              help="ReadWriteMany volume claim holding submissions/ (shards/ is written there).")
@click.option("--name", default="torchdojo-grade", show_default=True, help="The Job's name.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1),
              help="Inputs for every learner (default: a new seed, written into the Job).")
@click.option("--force", is_flag=True, help="Replace an existing OUTPUT.")
@friendly
def export_kubernetes(output: Path, topics: tuple[str, ...], image: str, shards: int,
                      parallelism: int | None, workers: int, claim: str, name: str,
                      seed: int | None, force: bool) -> None:
    """Write to OUTPUT a Kubernetes Job that grades TOPICS (default: all) in SHARDS pods."""
    import secrets

    from torchdojo.ci.kubernetes import JobSpec, manifest

    if output.exists() and not force:
        raise Failure(f"{output} exists (use --force to replace it)")
    seed = secrets.randbelow(2**31) if seed is None else seed
    spec = JobSpec(image=image, shards=shards, seed=seed, parallelism=parallelism,
                   workers=workers, claim=claim, name=name, topics=topics)
    text = manifest(load_course(), spec)
    try:
        write_atomically(output, text)
    except OSError as exc:
        raise Failure(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output}: Job {name}, {shards} shard(s), seed {seed}. Run it with "
               f"`kubectl apply -f {output}`, then merge /data/shards/* (see the file's notes).")
