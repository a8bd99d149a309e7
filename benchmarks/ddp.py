"""How long the ddp topic takes to grade, and what grading `main` under real torchrun would cost.

    python -m benchmarks.ddp [--runs 5]

1. ``torchdojo grade ddp --submission solutions`` as a user runs it (a fresh process each time:
   fork server, torch imports and all), median wall time.
2. Side by side, for the torchrun check: the job the grader runs (the reference's ``main`` on 2
   ranks forked in a warm sandbox, with torchrun's environment) against launching
   ``torchrun --standalone --nproc_per_node 2`` on the same script, medians.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import ROOT
from tests.test_ddp import grader
from torchdojo.engine.proxies import Learner
from torchdojo.sandbox import forkserver
from torchdojo.sandbox.host import Budget, Sandbox


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def grade_cli() -> None:
    run = subprocess.run([sys.executable, "-m", "torchdojo", "grade", "ddp", "--submission",
                          "solutions", "--seed", "1"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]


def real_torchrun() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run([str(Path(sys.executable).with_name("torchrun")), "--standalone",
                              "--nproc_per_node", "2", str(ROOT / "solutions" / "ddp.py")],
                             cwd=tmp, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr[-2000:]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    cli = [timed(grade_cli) for _ in range(runs)]
    print(f"grade ddp (reference, CLI): median {statistics.median(cli):.2f} s "
          f"of {runs} runs {[round(t, 2) for t in cli]}", flush=True)

    checks = grader()
    config = dict(grader().draw_plan(1).config)
    forkserver.start()
    box = Sandbox.for_file("ddp", ROOT / "solutions" / "ddp.py", budget=Budget(call=60, topic=600))
    learner = Learner(box)
    try:
        learner.run(checks.probe_torchrun, config)  # warm: the sandbox is up
        ours = [timed(lambda: learner.run(checks.probe_torchrun, config)) for _ in range(runs)]
    finally:
        box.close()
    real = [timed(real_torchrun) for _ in range(runs)]
    print(f"torchrun check, forked ranks with torchrun's environment: median "
          f"{statistics.median(ours):.2f} s {[round(t, 2) for t in ours]}")
    print(f"launching torchrun --nproc_per_node 2 on the same script: median "
          f"{statistics.median(real):.2f} s {[round(t, 2) for t in real]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
