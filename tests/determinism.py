"""Show that grades are deterministic: same submission and seed, same grade, on 1 and 2 threads.

For the reference solution and every corpus case of the chosen topics, grade with N seeds on 1
thread, on 2 threads and on 1 thread again, and compare statuses and scores. References must get
full marks and wrong cases must fail their named check at every seed. Prints one line per case
and a summary; exits 1 on any difference.

    python -m tests.determinism [TOPIC...] [--seeds 20] [--references-only]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.corpus import SOLUTIONS, cases
from torchdojo import course as course_mod
from torchdojo.engine.grading import grade


def verdicts(report) -> tuple:
    return tuple((c.name, c.status.value, c.score) for c in report.checks)


def run_case(course, topic: str, source: str, seeds: int, folder: Path) -> tuple[list, set]:
    (folder / f"{topic}.py").write_text(source)
    seen, problems = [], set()
    for seed in range(seeds):
        one = grade(course, [topic], submission=folder, seed=seed, threads=1)
        two = grade(course, [topic], submission=folder, seed=seed, threads=2)
        again = grade(course, [topic], submission=folder, seed=seed, threads=1)
        if verdicts(one) != verdicts(two):
            problems.add(f"seed {seed}: 1 thread and 2 threads differ")
        if verdicts(one) != verdicts(again):
            problems.add(f"seed {seed}: two runs on 1 thread differ")
        if one.fault or two.fault:
            problems.add(f"seed {seed}: grader fault {one.fault or two.fault}")
        seen.append(one)
    return seen, problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("topics", nargs="*")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--references-only", action="store_true",
                        help="grade the references only, not the corpus cases")
    args = parser.parse_args()
    course = course_mod.load()
    topics = [t.name for t in course.select(args.topics)]
    failures = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for topic in topics:
            entries = [(f"{topic}/reference", "right", "", (SOLUTIONS / f"{topic}.py").read_text())]
            entries += [(c.id, c.kind, c.check, c.source())
                        for kind in ("right", "wrong") for c in cases(kind, topic)
                        if not args.references_only]
            for name, kind, check, source in entries:
                reports, problems = run_case(course, topic, source, args.seeds, Path(tmp))
                for seed, report in enumerate(reports):
                    if kind == "right" and report.score != report.max_score:
                        problems.add(f"seed {seed}: {report.score:g}/{report.max_score:g}")
                    named = [c for c in report.checks if c.name == check]
                    if kind == "wrong" and (not named or named[0].passed):
                        problems.add(f"seed {seed}: {check} passed")
                failures += bool(problems)
                mark = "ok " if not problems else "BAD"
                print(f"{mark} {name}: {args.seeds} seeds x (1, 2, 1 again) threads"
                      + ("" if not problems else f": {sorted(problems)[:3]}"), flush=True)
    print(f"{failures} case(s) with differences; {time.perf_counter() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
