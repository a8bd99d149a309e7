"""What ``--strict`` costs, and how much address space a confined torch sandbox needs.

    python -m benchmarks.strict [--runs 5] [--course DIR] [--skip overhead|memory]

A benchmark, not a test: it prints figures and never fails.

- overhead: ``torchdojo grade --submission solutions`` over every topic, as CI runs it (a new
  process each time), with and without ``--strict``, alternating so a busy machine slows both
  alike. Prints the median of each, every sample, and the ratio. Then the same grades inside
  one warm process (torch imported, fork server running), where the confinement's own cost
  (namespaces, mounts, a user per sandbox, teardown) is not hidden behind imports.
- memory: the smallest RLIMIT_AS (found by bisection, in this process) under which every
  topic's reference gets the same verdicts in strict mode as with 8 GiB (full marks for a
  finished course), and each sandbox's peak address space (VmPeak, read just before
  teardown). ``limits.MEMORY`` should stay well above it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MiB = 2**20


def overhead(course: Path, runs: int) -> None:
    print(f"overhead: full grade of the references in {course}, {runs} runs each")
    samples: dict[str, list[float]] = {"local": [], "strict": []}
    for _ in range(runs):
        for tier, extra in (("local", []), ("strict", ["--strict"])):
            started = time.perf_counter()
            run = subprocess.run([sys.executable, "-m", "torchdojo", "grade", "--submission",
                                  str(course / "solutions"), "--format", "json", *extra],
                                 cwd=course, capture_output=True, text=True,
                                 env={**os.environ, "TORCHDOJO_COURSE": str(course),
                                      "PYTHONPATH": str(ROOT)})
            samples[tier].append(time.perf_counter() - started)
            report = json.loads(run.stdout or "{}")
            if run.returncode != 0 or report.get("score") != report.get("max_score"):
                print(f"  ! {tier} run did not give full marks (exit {run.returncode})")
    _summary(samples)
    warm(course, runs)


def warm(course_root: Path, runs: int) -> None:
    from torchdojo import course as course_mod
    from torchdojo.engine.grading import grade

    course = course_mod.load(course_root)
    print(f"overhead in one warm process, {runs} runs each (after one unmeasured run)")
    samples: dict[str, list[float]] = {"local": [], "strict": []}
    for number in range(runs + 1):
        for tier in samples:
            started = time.perf_counter()
            report = grade(course, submission=course.solutions, seed=number,
                           strict=tier == "strict")
            if number:
                samples[tier].append(time.perf_counter() - started)
            if report.score != report.max_score:
                print(f"  ! {tier} run did not give full marks")
    _summary(samples)


def _summary(samples: dict[str, list[float]]) -> None:
    for tier, values in samples.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {tier:<8} median {statistics.median(values):6.2f} s   ({shown})")
    ratio = statistics.median(samples["strict"]) / statistics.median(samples["local"])
    extra = statistics.median(samples["strict"]) - statistics.median(samples["local"])
    print(f"  strict / local: {ratio:.2f}x ({extra:+.2f} s)")


def memory(course_root: Path) -> None:
    from torchdojo import course as course_mod
    from torchdojo.engine.grading import grade
    from torchdojo.sandbox import host, limits

    course = course_mod.load(course_root)
    configured = limits.MEMORY
    peaks: dict[str, int] = {}
    close = host.Sandbox.close

    def close_and_measure(box: host.Sandbox) -> None:
        if box._proc is not None and box._proc.pid:
            try:
                status = Path(f"/proc/{box._proc.pid}/status").read_text()
                kib = int(status.split("VmPeak:")[1].split()[0])
                peaks[box.topic] = max(peaks.get(box.topic, 0), kib * 1024)
            except (OSError, IndexError, ValueError):
                pass
        close(box)

    host.Sandbox.close = close_and_measure

    def verdicts(limit: int) -> list:
        limits.MEMORY = limit
        report = grade(course, submission=course.solutions, seed=1, strict=True)
        return [(c.name, c.status) for c in report.checks]

    print(f"memory: topics {', '.join(t.name for t in course.topics)}")
    low, high = 256 * MiB, 8192 * MiB
    baseline = verdicts(high)  # the references' verdicts with room to spare (full marks, or
    # whatever a course still under construction gives): a limit must not change any of them

    def passes(limit: int) -> bool:
        return verdicts(limit) == baseline

    for topic, peak in sorted(peaks.items()):
        print(f"  {topic:<16} sandbox VmPeak {peak / MiB:7.0f} MiB")
    while high - low > 64 * MiB:
        middle = (low + high) // 2
        if passes(middle):
            high = middle
        else:
            low = middle
        print(f"  {middle // MiB:6d} MiB: {'same verdicts' if high == middle else 'differs'}")
    limits.MEMORY = configured
    print(f"  smallest RLIMIT_AS with the same verdicts: about {high // MiB} MiB "
          f"(strict mode sets {configured // MiB} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--course", type=Path, default=ROOT)
    parser.add_argument("--skip", action="append", default=[])
    args = parser.parse_args()
    if "memory" not in args.skip:
        memory(args.course.resolve())
    if "overhead" not in args.skip:
        overhead(args.course.resolve(), args.runs)


if __name__ == "__main__":
    main()
