"""Ending a command (``torchdojo.quick_exit``): nothing it started outlives it, and nothing a
learner left behind can keep it from ending."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.conftest import ROOT

START_TRACKER = """
import os, sys, time
from multiprocessing import resource_tracker
resource_tracker.ensure_running()
pid = resource_tracker._resource_tracker._pid
{before}
from torchdojo.quick_exit import _stop_resource_tracker
started = time.monotonic()
_stop_resource_tracker()
took = time.monotonic() - started
try:
    ended = os.waitpid(pid, os.WNOHANG)[0] == pid
except ChildProcessError:  # reaped already
    ended = True
print(pid, ended, round(took, 2))
"""


def _run(tmp_path: Path, before: str = "") -> tuple[int, bool, float]:
    """(the tracker's pid, whether it had ended, seconds the stop took)"""
    code = START_TRACKER.format(before=textwrap.dedent(before))
    out = tmp_path / "out"
    with out.open("w") as stdout:  # a file: a pipe would be read until the tracker let it go
        done = subprocess.run([sys.executable, "-c", code], stdout=stdout,
                              stderr=subprocess.STDOUT, timeout=60, cwd=ROOT)
    assert done.returncode == 0, out.read_text()
    pid, ended, took = out.read_text().split()
    return int(pid), ended == "True", float(took)


def test_the_resource_tracker_is_stopped_and_reaped_before_the_command_ends(tmp_path):
    # it used to end by itself a moment after the command: on a busy machine a Ctrl-C'd
    # grade-batch returned while it still ran (tests/test_batch.py, 4 runs in 6 beside a hog)
    _, ended, took = _run(tmp_path)
    assert ended and took < 2


def test_a_process_holding_the_trackers_pipe_delays_the_end_briefly_not_forever(tmp_path):
    # sandboxes inherit the pipe; one a learner let escape must not keep the command running
    started = time.monotonic()
    _, ended, took = _run(tmp_path, """
    if os.fork() == 0:  # holds the inherited pipe, as an escaped sandbox process would
        time.sleep(10)
        os._exit(0)
    """)
    assert not ended and 1.5 < took < 5
    assert time.monotonic() - started < 15
