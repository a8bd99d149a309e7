"""Benchmark: wall time of `torchdojo grade-batch` on generated learners, by worker count.

Runs are interleaved (1, 2, 1, 2, ...) so machine load hits every setting alike, and each
run checks its scores against the generator's expectations, so a fast wrong run cannot count.
``--baseline`` adds the alternative a batch replaces: one `torchdojo grade` process per
learner, paying the torch import each time.

    python -m benchmarks.batch_workers [--learners 30] [--workers 1 2] [--runs 3] [--baseline]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.batchgen import generate
from torchdojo import course as course_mod

ROOT = Path(__file__).resolve().parents[1]


def torchdojo(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "torchdojo", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def batch_run(submissions: Path, output: Path, workers: int, learners: list) -> float:
    started = time.perf_counter()
    run = torchdojo("grade-batch", str(submissions), "--output", str(output),
                    "--workers", str(workers), "--seed", "1")
    seconds = time.perf_counter() - started
    if run.returncode not in (0, 1):
        raise SystemExit(f"grade-batch failed: {run.stderr}")
    with open(output / "gradebook.csv", newline="") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    for learner in learners:
        got = rows[learner.name]["total"]
        want = "" if learner.expected is None else learner.expected
        if (got and float(got)) != (want if want == "" else float(want)):
            raise SystemExit(f"{learner.name}: scored {got!r}, expected {want!r}")
    return seconds


def baseline_run(submissions: Path, learners: list) -> float:
    started = time.perf_counter()
    for learner in learners:
        if learner.expected is not None:  # a grader killer would take this process down
            torchdojo("grade", "--submission", str(submissions / learner.name), "--seed", "1",
                      "--format", "json")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--killers", type=int, default=1)
    parser.add_argument("--baseline", action="store_true")
    args = parser.parse_args()
    course = course_mod.load(ROOT)
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        submissions = Path(tmp) / "submissions"
        learners = generate(course, submissions, args.learners, seed=0, killers=args.killers)
        print(f"{len(learners)} learners, {len(course.topics)} topics, "
              f"{os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}", flush=True)
        for run in range(args.runs):
            for workers in args.workers:
                seconds = batch_run(submissions, Path(tmp) / f"out-{run}-{workers}", workers,
                                    learners)
                times.setdefault(f"grade-batch --workers {workers}", []).append(seconds)
                print(f"run {run + 1}: --workers {workers}: {seconds:.1f} s", flush=True)
            if args.baseline:
                seconds = baseline_run(submissions, learners)
                times.setdefault("one `grade` process per learner", []).append(seconds)
                print(f"run {run + 1}: one grade process per learner: {seconds:.1f} s",
                      flush=True)
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values):.1f} s over {len(values)} runs "
              f"({', '.join(f'{v:.1f}' for v in values)})")


if __name__ == "__main__":
    main()
