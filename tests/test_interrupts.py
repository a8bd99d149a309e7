"""Ctrl-C at any moment: a real SIGINT, sent to the command's whole process group as a terminal
sends it, while torch is imported, in the middle of a grade, while the report is drawn, and in
watch mode. Each time: one line, exit status 130, no traceback, no report that reads as a total,
no sandbox left running, and the progress saved before is intact."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import solution

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc and sizes pipes the Linux way")

INTERRUPTED = 130


class Command:
    """``torchdojo ARGS`` in a process group of its own, as a terminal's foreground job."""

    def __init__(self, *args: str, cwd: Path, stdout: int = subprocess.PIPE) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "torchdojo", *args], cwd=cwd, stdout=stdout,
            stderr=subprocess.PIPE, stdin=subprocess.PIPE, start_new_session=True,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "100"})
        self.out: list[bytes] = []
        self.err: list[bytes] = []
        for stream, into in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            if stream is not None:
                threading.Thread(target=_drain, args=(stream, into), daemon=True).start()

    def ctrl_c(self) -> None:
        os.killpg(self.proc.pid, signal.SIGINT)

    def finish(self) -> tuple[int, str, str]:
        code = self.proc.wait(timeout=120)
        time.sleep(0.2)  # the readers catch up
        return (code, b"".join(self.out).decode("utf-8", "replace"),
                b"".join(self.err).decode("utf-8", "replace"))

    def wait_for_child(self, timeout: float = 120) -> None:
        """Until the fork server is up: torch is being imported on both sides."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if children(self.proc.pid):
                return
            assert self.proc.poll() is None, "the command ended early"
            time.sleep(0.02)
        raise AssertionError("the fork server never started")

    def group_gone(self, timeout: float = 20) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.1)
        return False


def _drain(stream, into: list[bytes]) -> None:
    for chunk in iter(lambda: stream.read1(65536), b""):
        into.append(chunk)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def one_clean_line(code: int, out: str, err: str) -> str:
    assert code == INTERRUPTED, (code, out, err)
    assert "Traceback" not in out + err and "KeyboardInterrupt" not in out + err
    assert "Grader fault" not in out + err and "grader fault" not in out + err
    assert "Total " not in out and "Every check passed" not in out
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def progress(course_dir) -> Path:
    """Progress saved by an earlier grade, which an interrupted one must leave as it was."""
    path = course_dir / ".torchdojo" / "progress.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"checks": {"tensors/scalar_is_0d": {
        "status": "passed", "graded_at": "2026-01-01T00:00:00+00:00",
        "passed_at": "2026-01-01T00:00:00+00:00"}}, "hints": {}}, indent=2) + "\n")
    return path


def test_ctrl_c_while_torch_is_imported(course_dir, progress):
    before = progress.read_text()
    command = Command("grade", "tensors", cwd=course_dir)
    command.wait_for_child()
    command.ctrl_c()
    line = one_clean_line(*command.finish())
    assert line.startswith("Interrupted")
    assert command.group_gone(), "the fork server outlived the command"
    assert progress.read_text() == before


def test_ctrl_c_in_the_middle_of_a_grade(course_dir, progress, tmp_path):
    before = progress.read_text()
    marker = tmp_path / "running"
    (course_dir / "exercises" / "tensors.py").write_text(solution("tensors") + f'''

def scalar(value):
    import os, time
    with open({str(marker)!r}, "w") as note:
        note.write(str(os.getpid()))
    time.sleep(60)
''')
    command = Command("grade", cwd=course_dir)
    deadline = time.monotonic() + 180
    while not marker.exists() or not marker.read_text():
        assert time.monotonic() < deadline and command.proc.poll() is None, command.finish()
        time.sleep(0.05)
    sandbox = int(marker.read_text())
    command.ctrl_c()
    line = one_clean_line(*command.finish())
    assert "No report was written and your progress is as it was" in line
    assert command.group_gone()
    deadline = time.monotonic() + 20
    while alive(sandbox) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(sandbox), "the sandbox outlived the command"
    assert progress.read_text() == before  # not a partial grade, and still valid JSON


def test_ctrl_c_while_the_report_is_drawn(course_dir):
    # Each topic prints enough that the report outgrows a one-page pipe nobody reads yet:
    # the command blocks in the middle of drawing it, and the Ctrl-C lands there.
    for topic in ("tensors", "reshape_view"):
        path = course_dir / "exercises" / f"{topic}.py"
        path.write_text(path.read_text() + "\nfor _ in range(40):\n    print('x' * 99)\n")
    read, write = os.pipe()
    fcntl.fcntl(write, 1031, 4096)  # F_SETPIPE_SZ: one page
    command = Command("grade", cwd=course_dir, stdout=write)
    os.close(write)
    # The report is drawn once every topic is graded: its first bytes, then none for a second,
    # mean the command is blocked in a write (a full pipe may hold less than a page: a write
    # that does not fit the page left waits for the reader).
    deadline = time.monotonic() + 240
    waiting, seen, since = bytearray(4), 0, time.monotonic()
    while True:
        fcntl.ioctl(read, termios.FIONREAD, waiting)
        now = int.from_bytes(waiting, sys.byteorder)
        if now != seen:
            seen, since = now, time.monotonic()
        elif seen and time.monotonic() - since > 1.0:
            break
        assert time.monotonic() < deadline and command.proc.poll() is None, command.finish()
        time.sleep(0.05)
    command.ctrl_c()
    with os.fdopen(read, "rb") as stream:
        threading.Thread(target=_drain, args=(stream, command.out), daemon=True).start()
        code, out, err = command.finish()
    assert "your code printed" in out  # it was drawing
    one_clean_line(code, out, err)
    assert command.group_gone()


def test_ctrl_c_in_watch_mode_while_it_grades_and_while_it_waits(course_dir, progress):
    starting = Command("watch", cwd=course_dir)
    starting.wait_for_child()
    starting.ctrl_c()
    line = one_clean_line(*starting.finish())
    assert line.startswith("Interrupted") or line.startswith("Stopped watching")
    assert starting.group_gone()

    waiting = Command("watch", cwd=course_dir)
    deadline = time.monotonic() + 180
    while b"to re-grade" not in b"".join(waiting.out):
        assert time.monotonic() < deadline and waiting.proc.poll() is None, waiting.finish()
        time.sleep(0.05)
    waiting.ctrl_c()
    code, out, err = waiting.finish()
    line = one_clean_line(code, out.replace("Total ", ""), err)
    assert line.startswith("Stopped watching. Your progress is kept in .torchdojo/progress.json")
    assert waiting.group_gone()
    assert json.loads(progress.read_text())["checks"]["tensors/scalar_is_0d"]["status"]


# ----------------------------------------------------------------------------- each race, alone
# The tests above send a real Ctrl-C at a moment that varies from run to run; these put it
# exactly where each of three races once lost it.


def test_a_ctrl_c_while_helpers_start_arrives_once_they_have(monkeypatch):
    """The fork server starts with SIGINT ignored (so a Ctrl-C never reaches it). A Ctrl-C for
    us in that moment is held back and delivered after, never dropped."""
    from torchdojo.sandbox import forkserver

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt), forkserver.main_hidden():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # ignored and dropped here, before the fix
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_ctrl_c_that_importing_torch_swallowed_stops_the_next_grade(course, monkeypatch):
    """torch's C code imports numpy and clears any error of that import, a KeyboardInterrupt
    included; the command ignores Ctrl-Cs after the first, so the grade raises it again."""
    from torchdojo import ctrl_c
    from torchdojo.engine.grading import grade

    monkeypatch.setattr(ctrl_c, "_pressed", False)
    previous = signal.getsignal(signal.SIGINT)
    ctrl_c.install()
    try:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
        except KeyboardInterrupt:
            pass  # what torch's import does with it
        with pytest.raises(KeyboardInterrupt):
            grade(course, ["tensors"], submission=course.solutions)
    finally:
        signal.signal(signal.SIGINT, previous)


MAIN_CAUGHT_IN_EXEC = """
import sys
import torchdojo.cli
from torchdojo import __main__ as entry

def main(*args, **kwargs):
    try:  # a Ctrl-C landing while a dataclass or a namedtuple is made, which exec a string
        exec("raise KeyboardInterrupt")
    except KeyboardInterrupt:
        sys.exit(130)

torchdojo.cli.main = main
entry.run()
"""


def test_a_caught_ctrl_c_ends_with_status_130_not_by_the_signal(tmp_path):
    """An interrupt that passed through ``exec`` of a string leaves CPython marked as
    interrupted; run with ``-m``, a normal exit would then kill the process by SIGINT (status
    -2) whatever status it asked for. The command ends with ``os._exit``."""
    (tmp_path / "caught_in_exec.py").write_text(MAIN_CAUGHT_IN_EXEC)
    run = subprocess.run([sys.executable, "-m", "caught_in_exec"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert run.returncode == 130, run.stderr


def test_a_ctrl_c_python_cannot_raise_is_remembered_not_printed(monkeypatch, capsys):
    """A Ctrl-C that lands in a weakref callback of the import system (seen once in CI while
    torch was imported) or a __del__ is "ignored" by Python, which prints a traceback."""
    from torchdojo import ctrl_c

    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)
    monkeypatch.setattr(ctrl_c, "_pressed", False)
    previous = signal.getsignal(signal.SIGINT)
    try:
        ctrl_c.install()

        class Dying:
            def __del__(self):
                ctrl_c._first(signal.SIGINT, None)

        Dying()
        assert "Traceback" not in capsys.readouterr().err
        with pytest.raises(KeyboardInterrupt):
            ctrl_c.raise_if_pressed()
    finally:
        signal.signal(signal.SIGINT, previous)
