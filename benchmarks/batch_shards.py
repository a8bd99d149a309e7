"""Benchmark: a generated class graded whole, and as shards then merged; and a batch
interrupted with Ctrl-C, then resumed.

1. ``grade-batch`` on every learner, timed.
2. ``grade-batch --shard K/N`` for K = 1..N, one after another (on separate machines in
   practice), each timed, then ``gradebook merge``, timed. The merged gradebook must equal the
   unsharded one byte for byte and every report must be the same apart from its timings; the
   scores must be what the generator expects. Any difference stops the benchmark.
3. ``grade-batch`` interrupted by SIGINT to its process group (as Ctrl-C sends it) once some
   learners are done, and once while its workers start: how long it took to exit, and that it
   exited 130. Then the command it printed resumes: how many learners it graded (it must be
   exactly those not done), and the kept reports must be untouched.

    python -m benchmarks.batch_shards [--learners 200] [--shards 4] [--workers 2]
        [--topics tensors reshape_view] [--interrupt-after 80]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.batchgen import generate, without_timings
from torchdojo import course as course_mod

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def torchdojo(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "torchdojo", *args], cwd=ROOT, env=ENV,
                         capture_output=True, text=True)
    return time.perf_counter() - started, run


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def check_scores(output: Path, learners: list, topics: list[str]) -> None:
    with open(output / "gradebook.csv", newline="") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    for learner in learners:
        want = sum(learner.parts[t].expected for t in topics)
        got = rows[learner.name]["total"]
        if not got or float(got) != want:
            raise SystemExit(f"{learner.name}: scored {got!r}, expected {want}")


def untimed(folder: Path) -> dict[str, object]:
    return {p.name: without_timings(json.loads(p.read_text()))
            for p in (folder / "reports").iterdir()}


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (folder / "reports").glob("*.json")}


def interrupted_run(subs: Path, out: Path, topics: list[str], workers: int,
                    after: int) -> tuple[float, str, int]:
    """Start a batch, send SIGINT to its group once ``after`` reports exist (0: as soon as
    its workers are starting); returns the seconds to exit, its stderr and exit status."""
    proc = subprocess.Popen([sys.executable, "-m", "torchdojo", "grade-batch", str(subs),
                             *topics, "--output", str(out), "--workers", str(workers),
                             "--seed", "1"], cwd=ROOT, env=ENV, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    reports = out / "reports"
    if after:
        while proc.poll() is None and len(list(reports.glob("*.json"))) < after:
            time.sleep(0.05)
    else:
        line = ""
        while "Grading" not in line and proc.poll() is None:
            line = proc.stderr.readline()
        time.sleep(0.5)
    sent = time.perf_counter()
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate()
    return time.perf_counter() - sent, stderr, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--topics", nargs="+", default=["tensors", "reshape_view"])
    parser.add_argument("--interrupt-after", type=int, default=80)
    args = parser.parse_args()
    course = course_mod.load(ROOT)
    topics = args.topics
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        learners = generate(course, tmp / "subs", args.learners, seed=0)
        print(f"{len(learners)} generated learners, topics {' '.join(topics)}, "
              f"{args.workers} workers, {os.cpu_count()} cores, machine shared; {load()}",
              flush=True)
        common = [str(tmp / "subs"), *topics, "--workers", str(args.workers), "--seed", "1"]

        whole, run = torchdojo("grade-batch", *common, "--output", str(tmp / "whole"))
        assert run.returncode == 0, run.stderr
        check_scores(tmp / "whole", learners, topics)
        print(f"unsharded: {whole:.1f} s ({load()})", flush=True)
        shard_times = []
        for k in range(1, args.shards + 1):
            seconds, run = torchdojo("grade-batch", *common, "--shard", f"{k}/{args.shards}",
                                     "--output", str(tmp / f"shard-{k}"))
            assert run.returncode == 0, run.stderr
            size = len(json.loads((tmp / f"shard-{k}" / "batch.json").read_text())["learners"])
            shard_times.append(seconds)
            print(f"shard {k}/{args.shards}: {size} learners, {seconds:.1f} s ({load()})",
                  flush=True)
        merging, run = torchdojo("gradebook", "merge",
                                 *(str(tmp / f"shard-{k}") for k in range(1, args.shards + 1)),
                                 "--output", str(tmp / "merged"))
        assert run.returncode == 0, run.stderr
        same_book = (tmp / "merged" / "gradebook.csv").read_bytes() == \
            (tmp / "whole" / "gradebook.csv").read_bytes()
        same_reports = untimed(tmp / "merged") == untimed(tmp / "whole")
        if not (same_book and same_reports):
            raise SystemExit(f"merged differs from unsharded: gradebook {same_book}, "
                             f"reports {same_reports}")
        print(f"merge: {merging:.1f} s; merged gradebook identical to the unsharded one, "
              "reports identical apart from timings", flush=True)
        print(f"shards: longest {max(shard_times):.1f} s (in parallel, that is the wall time "
              f"before the merge), sum {sum(shard_times):.1f} s; unsharded {whole:.1f} s",
              flush=True)

        latency, stderr, code = interrupted_run(tmp / "subs", tmp / "starting", topics,
                                                args.workers, 0)
        print(f"SIGINT while workers start: exit {code} after {latency:.2f} s", flush=True)
        out = tmp / "interrupted"
        latency, stderr, code = interrupted_run(tmp / "subs", out, topics, args.workers,
                                                args.interrupt_after)
        done = digests(out)
        print(f"SIGINT with {len(done)} learners graded: exit {code} after {latency:.2f} s",
              flush=True)
        said = next(line for line in stderr.splitlines() if "Resume with:" in line)
        command = shlex.split(said.split("Resume with: ", 1)[1])
        seconds, run = torchdojo(*command[1:])
        assert run.returncode == 0, run.stderr
        graded = int(re.search(r"Grading (\d+) learner", run.stderr)[1])
        untouched = all(digests(out)[name] == digest for name, digest in done.items())
        check_scores(out, learners, topics)
        print(f"resumed: graded {graded} learner(s) in {seconds:.1f} s; {len(done)} kept "
              f"untouched: {untouched}; unfinished before: {len(learners) - len(done)} "
              f"({load()})", flush=True)
        if graded != len(learners) - len(done) or not untouched:
            raise SystemExit("the resumed batch did not grade exactly the unfinished learners")


if __name__ == "__main__":
    main()
