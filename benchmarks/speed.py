"""How fast and how lean grading is. A benchmark, not a test: it prints figures, never fails.

    python -m benchmarks.speed [--runs 5] [--topics T ...] [--only full watch memory batch]

Sections (each prints the median of several runs, every sample, and ratios measured in the
same run, so a busy machine slows both sides of a comparison alike):

- full: ``torchdojo grade --submission solutions`` over every topic (or ``--topics``), as a
  learner or CI runs it (a new process: interpreter, torch import, fork server, every check).
  Beside it, ``python -c "import torch"``, the floor any new process pays, the same grade
  repeated inside one warm process, and (``--spawn``) with sandboxes spawned instead of forked
  from the fork server, as on Windows.
- watch: save-to-verdict latency of ``torchdojo watch`` per topic, with a real file write and
  the real file watcher: from just before the write until the new verdict is read from the
  command's output. Beside it, the grade's own time (printed on the screen) and a cold
  ``torchdojo grade TOPIC`` of the same file, which is what a learner pays without watch.
- memory: peak memory of a full grade: the grading process, the fork server and every
  sandbox, sampled from /proc (Linux only). RSS counts pages shared by forked processes once
  per process; PSS shares them out, so it is the honest total.
- batch: generated learners (correct, wrong, malicious and mixed answers, from the corpora)
  graded by ``torchdojo grade-batch``, each run's scores checked against what the generator
  expects; against ``nbgrader autograde`` of the same answers as notebooks (needs the
  nbgrader extra). Narrowed to ``--batch-topics``: autograde over every topic for 50 learners
  takes most of an hour.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-m", "torchdojo"]
GRADED_IN = re.compile(r"graded in (\d+) ms \(run (\d+),")


# ----------------------------------------------------------------------------- helpers


def median_line(label: str, samples: list[float], unit: str = "s") -> float:
    middle = statistics.median(samples)
    scale = 1000 if unit == "ms" else 1
    shown = ", ".join(f"{s * scale:.{0 if unit == 'ms' else 2}f}" for s in samples)
    print(f"  {label:<46} median {middle * scale:8.{0 if unit == 'ms' else 2}f} {unit}"
          f"   ({len(samples)} runs: {shown})")
    return middle


def ratio_line(label: str, slow: float, fast: float) -> None:
    print(f"  {label:<46} {slow / fast:8.1f}x")


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    started = time.perf_counter()
    run = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                         env={**os.environ, **(env or {})})
    seconds = time.perf_counter() - started
    if run.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({run.returncode}): {run.stderr.strip()}")
    return seconds


# ----------------------------------------------------------------------------- full grade


def bench_full(args: argparse.Namespace) -> None:
    topics = args.topics or []
    cmd = [*COMMAND, "grade", *topics, "--submission", "solutions", "--format", "json"]
    which = "topics" if topics else "every topic"
    print(f"full grade of the references, {which} ({', '.join(topics or topic_names())})")
    forked, spawned, floor = [], [], []
    for seed in range(args.runs):  # interleaved, so a busy machine slows every side alike
        forked.append(timed([*cmd, "--seed", str(seed)], ROOT))
        floor.append(timed([sys.executable, "-c", "import torch"], ROOT))
        if args.spawn:
            spawned.append(timed([*cmd, "--seed", str(seed)], ROOT,
                                 {"TORCHDOJO_START_METHOD": "spawn"}))
    cold = median_line(" ".join(["torchdojo grade", *topics, "--submission solutions"]), forked)
    torch_only = median_line('python -c "import torch" (the floor)', floor)
    ratio_line("the grade / one import torch", cold, torch_only)
    warm = median_line("the same grade again in one warm process", warm_full(args.runs, topics))
    ratio_line("a new process / a warm one", cold, warm)
    if args.spawn:
        slow = median_line("new process, sandboxes spawned (as on Windows)", spawned)
        ratio_line("spawned sandboxes / forked from the fork server", slow, cold)
    print(f"  target: at most 4x one import torch -> "
          f"{'met' if cold <= 4 * torch_only else 'NOT met'}")


def warm_full(runs: int, topics: list[str]) -> list[float]:
    code = ("import json, sys, time\n"
            "from torchdojo import course\n"
            "from torchdojo.engine.grading import grade\n"
            "c = course.load()\n"
            f"topics = {topics!r}\n"
            "grade(c, topics, submission=c.solutions, seed=0)\n"
            "times = []\n"
            f"for seed in range({runs}):\n"
            "    t = time.perf_counter(); r = grade(c, topics, submission=c.solutions, "
            "seed=seed)\n"
            "    times.append(time.perf_counter() - t)\n"
            "    assert r.score == r.max_score, r.fault\n"
            "print(json.dumps(times))\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def topic_names() -> list[str]:
    from torchdojo import course

    return [t.name for t in course.load(ROOT).topics]


# ----------------------------------------------------------------------------- watch


class WatchProcess:
    """``torchdojo watch TOPIC`` with its output read line by line, each with its arrival."""

    def __init__(self, course: Path, topic: str) -> None:
        self.proc = subprocess.Popen([*COMMAND, "watch", topic, "--seed", "1"], cwd=course,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put((time.perf_counter(), line))

    def verdict(self, run: int, timeout: float = 300) -> tuple[float, float]:
        """When the screen of grade number ``run`` arrived, and the grade's own seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            try:
                arrived, line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            found = GRADED_IN.search(line)
            if found and int(found[2]) >= run:
                return arrived, int(found[1]) / 1000
        raise SystemExit(f"watch printed no verdict for run {run} in {timeout} s")

    def close(self) -> None:
        try:
            self.proc.stdin.write("q\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


def failing_source(topic: str) -> str:
    """A submission that never completes the topic (so watch stays on it): a real mistake
    from the topic's corpus, or the stub when it has none."""
    from tests.corpus import cases

    wrong = cases("wrong", topic)
    return wrong[0].source() if wrong else (ROOT / "exercises" / f"{topic}.py").read_text()


def bench_watch(args: argparse.Namespace) -> None:
    from tests.conftest import copy_course

    print("watch: save-to-verdict latency (real write, real watcher, output read back)")
    for topic in args.topics or topic_names():
        with tempfile.TemporaryDirectory() as tmp:
            course = copy_course(Path(tmp))
            exercise = course / "exercises" / f"{topic}.py"
            source = failing_source(topic)
            exercise.write_text(source)
            watch = WatchProcess(course, topic)
            try:
                watch.verdict(1)
                latencies, grading = [], []
                for run in range(2, args.runs * 2 + 2):
                    time.sleep(0.3)  # a learner does not save twice within a grade
                    started = time.perf_counter()
                    exercise.write_text(f"{source}\n# save {run}\n")
                    arrived, seconds = watch.verdict(run)
                    latencies.append(arrived - started)
                    grading.append(seconds)
            finally:
                watch.close()
            cold = [timed([*COMMAND, "grade", topic, "--seed", "1", "--format", "json"], course)
                    for _ in range(max(1, args.runs // 2))]
        print(f" {topic}")
        total = median_line("save -> verdict on screen", latencies, "ms")
        inner = median_line("of which grading (as the screen reports it)", grading, "ms")
        slow = median_line("a cold `torchdojo grade TOPIC` instead", cold, "ms")
        ratio_line("cold grade / watch latency", slow, total)
        print(f"  watcher, drawing and pipe: {1000 * (total - inner):.0f} ms; "
              f"target under 300 ms -> {'met' if total < 0.3 else 'NOT met'}")


# ----------------------------------------------------------------------------- memory


def bench_memory(args: argparse.Namespace) -> None:
    print("memory: peak of a full grade (grading process + fork server + sandboxes)")
    if not Path("/proc/self/smaps_rollup").exists():
        print("  skipped: needs Linux /proc")
        return
    rss, pss = [], []
    for seed in range(args.runs):
        peak_rss, peak_pss = peak_memory([*COMMAND, "grade", "--submission", "solutions",
                                          "--format", "json", "--seed", str(seed)])
        rss.append(peak_rss)
        pss.append(peak_pss)
    mib = 2**20
    print(f"  {'peak PSS, summed over the process tree':<46} median "
          f"{statistics.median(pss) / mib:8.0f} MiB   ({', '.join(f'{p / mib:.0f}' for p in pss)})")
    print(f"  {'peak RSS, summed (shared pages counted twice)':<46} median "
          f"{statistics.median(rss) / mib:8.0f} MiB   ({', '.join(f'{r / mib:.0f}' for r in rss)})")


def peak_memory(cmd: list[str], interval: float = 0.01) -> tuple[int, int]:
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    while proc.poll() is None:
        rss = pss = 0
        for pid in tree(proc.pid):
            sizes = rollup(pid)
            rss += sizes.get("Rss", 0)
            pss += sizes.get("Pss", 0)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(interval)
    return peak_rss, peak_pss


def tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def rollup(pid: int) -> dict[str, int]:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return {}
    sizes = {}
    for line in text.splitlines()[1:]:
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            sizes[key] = int(parts[0]) * 1024
    return sizes


# ----------------------------------------------------------------------------- batch


def bench_batch(args: argparse.Namespace) -> None:
    """Generated learners (correct, wrong, malicious, mixed) graded by ``grade-batch``, against
    ``nbgrader autograde`` of the same answers as notebooks, in the same run, interleaved."""
    from tests import batchgen, nbcourse
    from torchdojo import course as course_mod

    course = course_mod.load(ROOT)
    topics = args.batch_topics
    print(f"batch: {args.learners} generated learners x {len(topics)} topics "
          f"({', '.join(topics)}), grade-batch vs nbgrader autograde")
    with tempfile.TemporaryDirectory(prefix="torchdojo-bench-") as scratch:
        learners = batchgen.generate(course, Path(scratch) / "learners", args.learners, seed=3)
        state = nbcourse.new_course(Path(scratch) / "nbgrader", course, topics)
        left_out = notebook_learners(state, learners, topics, Path(scratch) / "notebooks")
        if left_out:
            print(f"  {left_out} answer(s) that kill their parent process are graded by "
                  "grade-batch only: in a notebook they kill nbgrader autograde itself")
        batch, autograde = [], []
        for run in range(args.batch_runs):  # interleaved, so load hits both alike
            batch.append(timed_batch(Path(scratch), learners, topics, run))
            autograde.append(timed_autograde(state))
        fast = median_line(f"torchdojo grade-batch ({args.learners} learners)", batch)
        slow = median_line("nbgrader autograde of the same answers", autograde)
        ratio_line("nbgrader autograde / grade-batch", slow, fast)
        print(f"  target: at least 5x -> {'met' if slow / fast >= 5 else 'NOT met'}")


def notebook_learners(state, learners: list, topics: list[str], scratch: Path) -> int:
    """Submit each learner's answers as notebooks; returns how many were left out."""
    from tests import nbcourse

    left_out = 0
    for learner in learners:
        folder = scratch / learner.name
        folder.mkdir(parents=True)
        for topic in topics:
            source = learner.folder / f"{topic}.py"
            if not source.is_file():
                continue
            if learner.parts[topic].origin.startswith("X7"):
                left_out += 1
                continue
            (folder / source.name).write_text(source.read_text())
        nbcourse.add_folder(state, learner.name, folder)
    return left_out


def timed_batch(scratch: Path, learners: list, topics: list[str], run: int) -> float:
    output = scratch / f"grades-{run}"
    started = time.perf_counter()
    done = subprocess.run([*COMMAND, "grade-batch", str(scratch / "learners"), *topics,
                           "--output", str(output), "--seed", str(run)],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"grade-batch failed ({done.returncode}): {done.stderr.strip()}")
    with open(output / "gradebook.csv", newline="") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    wrong = [learner.name for learner in learners for topic in topics
             if float(rows[learner.name][topic]) != learner.parts[topic].expected]
    if wrong:  # a fast wrong run must not count
        raise SystemExit(f"grade-batch gave unexpected scores to {', '.join(wrong)}")
    return seconds


def timed_autograde(state) -> float:
    from tests import nbcourse

    started = time.perf_counter()
    for topic in state.topics:
        # not checked: autograde exits non-zero when a learner's kernel died, and goes on
        nbcourse.run("nbgrader", "autograde", topic, "--force", cwd=state.root)
    return time.perf_counter() - started


SECTIONS: dict[str, Callable[[argparse.Namespace], None]] = {
    "full": bench_full, "watch": bench_watch, "memory": bench_memory, "batch": bench_batch}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement")
    parser.add_argument("--topics", nargs="*",
                        help="topics for the full and watch sections (default: every topic)")
    parser.add_argument("--only", nargs="*", choices=SECTIONS, help="sections to run")
    parser.add_argument("--learners", type=int, default=50, help="learners in the batch section")
    parser.add_argument("--batch-topics", nargs="*", default=["tensors", "reshape_view"],
                        help="topics of the batch section")
    parser.add_argument("--batch-runs", type=int, default=2,
                        help="runs of each tool in the batch section (autograde is slow)")
    parser.add_argument("--spawn", action="store_true",
                        help="also time a full grade with spawned sandboxes (slow)")
    args = parser.parse_args()
    load = f" · load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    print(f"torchdojo benchmarks · {os.cpu_count()} cores · python {sys.version.split()[0]}{load}")
    for name in args.only or SECTIONS:
        print()
        SECTIONS[name](args)
        if hasattr(os, "getloadavg"):
            print(f"  (load average now {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
