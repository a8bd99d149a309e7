"""Benchmark: a batch in which some learners attack the others, against the same batch without
them. A benchmark, not a test: it prints figures and never fails on time.

    python -m benchmarks.batch_attacks [--honest 15] [--attackers 5] [--runs 3] [--workers 2]
                                       [--topics tensors reshape_view] [--no-strict]

Each run grades, interleaved so that machine load hits both alike, with
``torchdojo grade-batch [--strict]``:

- **honest**: the honest learners alone (correct and wrong answers from the corpora);
- **with attackers**: the same learners plus attackers whose first topic attacks what a batch
  shares (``tests.batchgen.RESOURCE_ATTACKS``: memory over 8 forked processes, DataLoader
  workers, a fork bomb, millions of empty files, ``kill(-1)``).

Every run checks that each honest learner gets, in both batches, exactly the scores it gets
graded alone (``torchdojo grade`` of its folder, computed once) and that each attacker scores 0
on its attacked topic; a run that fails the check stops the benchmark. Then it prints the
medians, their ratio (the target: at most 1.5) and the load average, since the machine may be
shared.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.batchgen import RESOURCE_ATTACKS, Learner, attack_batch
from torchdojo import course as course_mod
from torchdojo.sandbox import limits

ROOT = Path(__file__).resolve().parents[1]
SEED = 1


def torchdojo(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "torchdojo", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def alone(learner: Learner, topics: list[str]) -> dict[str, float]:
    run = torchdojo("grade", *topics, "--submission", str(learner.folder), "--seed", str(SEED),
                    "--format", "json")
    report = json.loads(run.stdout)
    if report["fault"]:
        raise SystemExit(f"{learner.name} alone: grader fault {report['fault']}")
    return {t["name"]: t["score"] for t in report["topics"]}


def batch(folder: Path, output: Path, topics: list[str], workers: int, strict: bool) -> float:
    started = time.perf_counter()
    run = torchdojo("grade-batch", str(folder), *topics, "--output", str(output), "--workers",
                    str(workers), "--seed", str(SEED), *(["--strict"] if strict else []))
    seconds = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"grade-batch exited {run.returncode}: {run.stderr[-2000:]}")
    return seconds


def check(output: Path, learners: list[Learner], solo: dict[str, dict[str, float]],
          topics: list[str]) -> None:
    with open(output / "gradebook.csv", newline="") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    for learner in learners:
        row = rows[learner.name]
        if row["status"] != learner.state(topics):
            raise SystemExit(f"{learner.name}: {row['status']}, not {learner.state(topics)}")
        if learner.name in solo:
            got = {t: float(row[t]) for t in topics}
            if got != solo[learner.name]:
                raise SystemExit(f"{learner.name}: {got} in the batch, {solo[learner.name]} "
                                 "alone")
        elif float(row[topics[0]]) != 0:
            raise SystemExit(f"attacker {learner.name} scored {row[topics[0]]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--honest", type=int, default=15)
    parser.add_argument("--attackers", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--topics", nargs="+", default=["tensors", "reshape_view"])
    parser.add_argument("--no-strict", dest="strict", action="store_false",
                        help="grade with the batch's guard only (the inode bomb is left out: "
                             "the guard does not cap the machine's disk)")
    args = parser.parse_args()
    course = course_mod.load(ROOT)
    attacks = RESOURCE_ATTACKS if args.strict else tuple(
        a for a in RESOURCE_ATTACKS if a != "L7_inode_bomb")
    values = {"GROUP_MEMORY_MIB": limits.group_memory() // limits.MiB,
              "MEMORY_MIB": limits.MEMORY // limits.MiB}
    times: dict[str, list[float]] = {"honest": [], "with attackers": []}
    loads = [os.getloadavg()]
    with tempfile.TemporaryDirectory() as tmp:
        mixed, honest = Path(tmp) / "with-attackers", Path(tmp) / "honest"
        learners = attack_batch(course, mixed, args.honest, args.attackers, tuple(args.topics),
                                seed=0, attacks=attacks, values=values)
        honest.mkdir()
        for learner in learners[:args.honest]:
            shutil.copytree(learner.folder, honest / learner.name)
        print(f"{args.honest} honest + {args.attackers} attacking learners "
              f"({', '.join(attacks)}), topics {' '.join(args.topics)}, {args.workers} "
              f"workers, {'--strict' if args.strict else 'guard only'}, "
              f"{os.cpu_count()} cores; sandbox memory {values['GROUP_MEMORY_MIB']} MiB",
              flush=True)
        started = time.perf_counter()
        solo = {learner.name: alone(learner, args.topics) for learner in learners[:args.honest]}
        print(f"honest learners graded alone: {time.perf_counter() - started:.0f} s",
              flush=True)
        for number in range(args.runs):
            for name, folder in (("honest", honest), ("with attackers", mixed)):
                output = Path(tmp) / f"out-{number}-{name.replace(' ', '-')}"
                seconds = batch(folder, output, args.topics, args.workers, args.strict)
                check(output, learners if folder == mixed else learners[:args.honest], solo,
                      args.topics)
                times[name].append(seconds)
                loads.append(os.getloadavg())
                print(f"run {number + 1}: {name}: {seconds:.1f} s (scores checked; load "
                      f"{loads[-1][0]:.1f})", flush=True)
    for name, values_ in times.items():
        print(f"{name}: median {statistics.median(values_):.1f} s over {len(values_)} runs "
              f"({', '.join(f'{v:.1f}' for v in values_)})")
    ratio = statistics.median(times["with attackers"]) / statistics.median(times["honest"])
    print(f"with attackers / honest: {ratio:.2f}x (target: at most 1.5x); the {args.honest} "
          "honest learners got exactly their scores alone in every run")
    one = [load[0] for load in loads]
    print(f"load average (1 min) during the runs: {min(one):.1f} to {max(one):.1f}, median "
          f"{statistics.median(one):.1f} on {os.cpu_count()} cores (a shared machine)")


if __name__ == "__main__":
    main()
