"""Wall time of ``nbgrader autograde`` against ``torchdojo nbgrader grade``, same submissions.

    python -m benchmarks.nbgrader [--repeat 3] [--wrong 2] [--topics tensors ...]

Builds the round-trip course (reference, untouched, ``--wrong`` learners with corpus mistakes,
the kernel trick) in a temporary folder, then grades every assignment with both tools in
turn, ``--repeat`` times, alternating which goes first, and prints each run and the medians.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from tests import nbcourse
from tests.conftest import ROOT
from torchdojo import course as course_mod

TOOLS = ("nbgrader autograde", "torchdojo nbgrader grade")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--wrong", type=int, default=2, help="learners with corpus mistakes")
    parser.add_argument("--topics", nargs="*", help="default: every topic")
    args = parser.parse_args()
    course = course_mod.load(ROOT)
    with tempfile.TemporaryDirectory(prefix="torchdojo-bench-") as scratch:
        state = nbcourse.new_course(Path(scratch) / "course", course, args.topics)
        nbcourse.module_learners(state, Path(scratch) / "learners", wrong=args.wrong)
        nbcourse.add_trick(state)
        notebooks = len(state.learners) * len(state.topics)
        print(f"{len(state.learners)} learners x {len(state.topics)} topics = {notebooks} "
              "notebooks")
        times: dict[str, list[float]] = {tool: [] for tool in TOOLS}
        for round_ in range(args.repeat):
            order = TOOLS if round_ % 2 == 0 else TOOLS[::-1]
            for tool in order:
                state.seconds.clear()
                run = nbcourse.autograde if tool == TOOLS[0] else _grade
                run(state)
                times[tool].append(state.seconds[tool])
                print(f"round {round_ + 1}: {tool}: {state.seconds[tool]:.1f} s")
        for tool in TOOLS:
            median = statistics.median(times[tool])
            print(f"median {tool}: {median:.1f} s ({median / notebooks:.2f} s per notebook)")


def _grade(state: nbcourse.CourseRun) -> None:
    nbcourse.torchdojo_grade(state, seed=1)


if __name__ == "__main__":
    main()
