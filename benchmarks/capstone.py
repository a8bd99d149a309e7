"""What grading the capstone costs, and what the reference scores, seed by seed.

    python -m benchmarks.capstone [--seeds 5] [--threads 1]

For seeds 1..N, in a fresh process as a user runs it: ``torchdojo grade capstone --submission
solutions --seed N``, its wall time, the reference's held-out accuracy (the report keeps it as
``data.accuracy`` of ``accuracy_learns``) and its points; and, in the same loop, ``python -c
"import torch"``, so each time can be read against what starting torch costs at that moment.
Prints medians and the load average before and after: the build machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import ROOT


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stdout[-2000:] + run.stderr[-2000:]
    return time.perf_counter() - started


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    print(f"load average before: {load()}", flush=True)
    grades, imports, accuracies = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, args.seeds + 1):
            report = Path(tmp) / f"{seed}.json"
            grades.append(timed([sys.executable, "-m", "torchdojo", "grade", "capstone",
                                 "--submission", "solutions", "--seed", str(seed),
                                 "--threads", str(args.threads), "--format", "json",
                                 "--output", str(report)]))
            imports.append(timed([sys.executable, "-c", "import torch"]))
            data = json.loads(report.read_text())
            topic = data["topics"][0]
            checks = {c["name"]: c for c in topic["checks"]}
            accuracies.append(checks["accuracy_learns"]["data"]["accuracy"])
            print(f"seed {seed}: {topic['score']:g}/{topic['max_score']:g} points, held-out "
                  f"accuracy {accuracies[-1]:.1%}, grade {grades[-1]:.2f} s, import torch "
                  f"{imports[-1]:.2f} s", flush=True)
    print(f"median of {args.seeds} seeds ({args.threads} thread(s)): grade "
          f"{statistics.median(grades):.2f} s, import torch {statistics.median(imports):.2f} s, "
          f"reference accuracy {statistics.median(accuracies):.1%}")
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
