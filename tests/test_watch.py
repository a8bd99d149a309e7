"""Watch mode: the session's grading and moving on, the loop's keys and saves, and the whole
command driven through a pipe with real file writes and a real file watcher."""

from __future__ import annotations

import ast
import io
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import solution
from tests.corpus import cases
from torchdojo import course as course_mod
from torchdojo.engine.report import CheckResult, Status, TopicResult
from torchdojo.learn import events as inputs
from torchdojo.learn import screen
from torchdojo.learn.events import Event, Inputs
from torchdojo.learn.session import WatchSession
from torchdojo.learn.watch import Watch

WRONG_SCALAR = next(c for c in cases("wrong", "tensors")
                    if c.path.stem == "T01_tensor_ctor_for_scalar")


@pytest.fixture
def session(course_dir) -> WatchSession:
    return WatchSession(course_mod.load(course_dir), seed=17)


def exercise(course_dir: Path, topic: str) -> Path:
    return course_dir / "exercises" / f"{topic}.py"


# ----------------------------------------------------------------------------- the session


def test_session_starts_at_the_first_unfinished_topic_and_moves_on(session, course_dir):
    assert session.topic.name == "tensors"
    session.grade()
    assert session.result.count(Status.NOT_ATTEMPTED) == len(session.result.checks)
    assert session.target().name == session.result.checks[0].name
    exercise(course_dir, "tensors").write_text(solution("tensors"))
    session.grade()
    assert [f.topic.name for f in session.finished] == ["tensors"]
    assert session.topic.name == "reshape_view" and session.result.name == "reshape_view"
    exercise(course_dir, "reshape_view").write_text(solution("reshape_view"))
    session.grade()
    assert session.done and session.topic is None


def test_a_new_session_skips_topics_already_complete(session, course_dir):
    exercise(course_dir, "tensors").write_text(solution("tensors"))
    session.grade()
    later = WatchSession(session.course, seed=3)
    assert later.topic.name == "reshape_view"
    assert WatchSession(session.course, seed=3, topic=session.course.topic("tensors")).topic \
        .name == "tensors"


def test_session_knows_when_the_file_really_changed(session, course_dir):
    session.grade()
    assert not session.changed()
    path = exercise(course_dir, "tensors")
    path.write_text(path.read_text())  # saved without a change: nothing to grade
    assert not session.changed()
    path.write_text(path.read_text() + "\n# edited\n")
    assert session.changed()


def test_hints_escalate_for_the_target_and_are_kept(session):
    session.grade()
    check, level = session.hint()
    assert (check.name, level) == (session.target().name, 1)
    assert session.hint()[1] == 2
    assert WatchSession(session.course, seed=1).progress.hints[f"tensors/{check.name}"] == 2


# ----------------------------------------------------------------------------- the screen


def render(session, **options) -> str:
    out = io.StringIO()
    Console(file=out, width=300, color_system=None).print(
        screen.render(session, encoding="utf-8", single_keys=True, **options))
    return out.getvalue()


def test_screen_shows_the_first_failing_check_with_its_lesson_and_hints(session, course_dir):
    exercise(course_dir, "tensors").write_text(WRONG_SCALAR.source())
    session.grade()
    session.hint()
    shown = render(session)
    assert "topic 1 of 2: Tensors (tensors)" in shown
    assert f"✗ {WRONG_SCALAR.check}" in shown
    assert "0-d tensors" in shown and "has shape (1,); expected ()" in shown
    assert "hint 1 of 3" in shown and "Press h again" in shown
    assert "Save exercises/tensors.py to re-grade" in shown or "tensors.py to re-grade" in shown
    assert "run 1" in shown and "seed 17" in shown


def test_screen_shows_an_import_error_once_not_per_check(session, course_dir):
    exercise(course_dir, "tensors").write_text("def scalar(value:\n    return value\n")
    session.grade()
    shown = render(session)
    assert "! tensors.py:1: SyntaxError" in shown
    assert "so it imports" in shown
    assert "not run: the module failed to import" not in shown


def test_screen_shows_what_the_learners_code_printed(session, course_dir):
    exercise(course_dir, "tensors").write_text(
        WRONG_SCALAR.source() + "\nprint('debugging here')\n")
    session.grade()
    assert "your code printed:\n  debugging here" in render(session)


def test_screen_draws_loss_curves_of_the_check_to_fix(session):
    curve = [1.0 / (i + 1) for i in range(30)]
    session.result = TopicResult("tensors", "Tensors", [CheckResult(
        "loss_decreases", Status.FAILED, 0, 2, message="too slow", concept="learning rates",
        data={"loss_curve": curve, "reference_loss_curve": curve[::2]})])
    session.runs = 1
    shown = render(session)
    assert "loss curve yours" in shown and "(30 steps)" in shown and "(15 steps)" in shown


def test_screen_when_every_topic_is_done(session):
    session.topic = None
    assert "Every topic is complete" in render(session)


# ----------------------------------------------------------------------------- the loop


class Recorder(Watch):
    def __init__(self, session: WatchSession) -> None:
        super().__init__(session, Console(file=io.StringIO()), Inputs(), single_keys=True)
        self.grades = 0

    def regrade(self) -> None:
        self.grades += 1
        super().regrade()


def test_keys_regrade_hint_and_quit(session):
    loop = Recorder(session)
    loop.regrade()
    assert loop.on_key("\n") and loop.on_key("r") and loop.grades == 3
    assert loop.on_key("h") and session.progress.hints
    assert loop.on_key("x") and loop.grades == 3  # unknown keys do nothing
    assert not loop.on_key("q")


def test_saves_regrade_once_and_only_for_real_changes_of_the_current_file(session, course_dir):
    loop = Recorder(session)
    loop.regrade()
    path = exercise(course_dir, "tensors")
    loop.on_saved([Event("saved", frozenset({"tensors.py"}))])
    assert loop.grades == 1  # content unchanged
    loop.on_saved([Event("saved", frozenset({"reshape_view.py"}))])
    assert loop.grades == 1  # another topic's file
    path.write_text(WRONG_SCALAR.source())
    loop.on_saved([Event("saved", frozenset({"tensors.py"})), Event("key", "h"),
                   Event("saved", frozenset({"tensors.py"}))])
    assert loop.grades == 2
    assert loop.inputs.events.get_nowait() == Event("key", "h")  # keys are kept, in order


def test_a_save_the_watcher_splits_in_two_is_graded_as_it_ends(session, course_dir):
    """The watcher groups a save's events for only STEP_MS: a slow editor's save can arrive as
    two bursts, the first on a half-written file. That one is graded as it was, and the second
    burst grades the whole file."""
    loop = Recorder(session)
    loop.regrade()
    path = exercise(course_dir, "tensors")
    loop.inputs.watch(path.parent)
    time.sleep(0.5)  # let the watcher start
    whole = WRONG_SCALAR.source()

    def verdicts() -> str:
        result = loop.session.result
        return " ".join([result.error or "", *(c.message for c in result.checks)])

    try:
        path.write_text(whole[:len(whole) // 2] + "\n(\n")  # cut short: it does not parse
        loop.on_saved([loop.inputs.events.get(timeout=20)])
        assert loop.grades == 2 and "SyntaxError" in verdicts()
        path.write_text(whole)
        loop.on_saved([loop.inputs.events.get(timeout=20), *loop.inputs.pending()])
    finally:
        loop.inputs.stop()
    assert loop.grades == 3 and not loop.session.changed()
    assert "SyntaxError" not in verdicts() and loop.session.result.count(Status.FAILED)


def test_keys_from_a_pipe_are_one_command_per_line():
    assert list(inputs._keys(io.StringIO("\nr\nH\nquit\n"))) == ["\n", "r", "h", "q"]


def test_file_watcher_reports_a_real_save(tmp_path):
    source = Inputs()
    source.watch(tmp_path)
    time.sleep(0.5)  # let the watcher start
    (tmp_path / "tensors.py").write_text("x = 1\n")
    try:
        event = source.events.get(timeout=10)
    finally:
        source.stop()
    assert event.kind == "saved" and "tensors.py" in event.payload


# ----------------------------------------------------------------------------- the command


class Terminal:
    """``torchdojo watch`` in a subprocess, its output read as it comes."""

    def __init__(self, cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "torchdojo", "watch", "--seed", "5"], cwd=cwd, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "100"})
        self.seen = ""
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self._lines.put(line)

    def wait_for(self, text: str, timeout: float = 90) -> str:
        """Everything printed since the last wait, up to the line holding ``text``."""
        deadline = time.monotonic() + timeout
        chunk = ""
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.2)
            except queue.Empty:
                continue
            chunk += line
            if text in line:
                self.seen += chunk
                return chunk
        raise AssertionError(f"{text!r} never appeared; output so far:\n{self.seen + chunk}")

    def press(self, key: str) -> None:
        self.proc.stdin.write(key + "\n")
        self.proc.stdin.flush()


def test_watch_command_fail_hint_fix_pass_and_progress(course_dir):
    term = Terminal(course_dir)
    try:
        first = term.wait_for("to re-grade")
        assert "topic 1 of 2: Tensors (tensors)" in first and "not attempted" in first
        exercise(course_dir, "tensors").write_text(WRONG_SCALAR.source())
        failed = term.wait_for("to re-grade")
        assert f"✗ {WRONG_SCALAR.check}" in failed and "has shape (1,)" in failed
        term.press("h")
        hinted = term.wait_for("to re-grade")
        assert "hint 1 of 3" in hinted
        exercise(course_dir, "tensors").write_text(solution("tensors"))
        moved = term.wait_for("to re-grade")
        assert "✓ Tensors (tensors) complete" in moved
        assert "topic 2 of 2: Reshape, view and memory (reshape_view)" in moved
        term.press("q")
        assert term.proc.wait(timeout=30) == 0
    finally:
        term.proc.kill()
    progress = (course_dir / ".torchdojo" / "progress.json").read_text()
    assert '"tensors/scalar_is_0d": {\n      "graded_at"' in progress
    assert progress.count('"status": "passed"') >= 8


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_terminal_keys_arrive_one_at_a_time_and_escape_sequences_are_ignored():
    import pty
    import termios

    master, slave = pty.openpty()
    with os.fdopen(slave, "rb", buffering=0) as stream:
        before = termios.tcgetattr(slave)
        with inputs.single_keys(stream) as single:
            assert single
            assert not termios.tcgetattr(slave)[3] & termios.ICANON  # no Enter needed
            keys = inputs._keys(stream)
            for sent, expected in ((b"h", "h"), (b"\x1b[A\r", "\n"), (b"\x1bOHq", "q")):
                os.write(master, sent)
                assert next(keys) == expected
        assert termios.tcgetattr(slave) == before  # the terminal is given back as it was
    os.close(master)


def test_watch_plot_writes_the_curves_of_the_latest_grade(session, tmp_path):
    pytest.importorskip("matplotlib")
    session.result = TopicResult("tensors", "Tensors", [CheckResult(
        "loss_decreases", Status.FAILED, 0, 2, data={"loss_curve": [3.0, 2.0, 1.0]})])
    loop = Watch(session, Console(file=io.StringIO()), Inputs(), single_keys=True,
                 plots=tmp_path / "plots")
    assert [p.name for p in loop._plot()] == ["tensors.loss_decreases.png"]



# ----------------------------------------------------------------------------- staying and focus


def test_a_chosen_topic_is_kept_after_it_completes(course_dir):
    course = course_mod.load(course_dir)
    exercise(course_dir, "tensors").write_text(solution("tensors"))
    pinned = WatchSession(course, seed=5, topic=course.topic("tensors"), pinned=True)
    pinned.grade()
    assert pinned.result.complete and pinned.topic.name == "tensors" and not pinned.finished
    pinned.grade()  # a re-grade stays too
    assert pinned.topic.name == "tensors"


def test_n_and_p_move_the_focus_over_the_checks_to_fix(session):
    session.grade()
    open_ = [c.name for c in session.open_checks()]
    assert len(open_) > 2 and session.target().name == open_[0]
    assert session.move(1).name == open_[1] and session.target().name == open_[1]
    assert session.move(-1).name == open_[0]
    assert session.move(-1).name == open_[-1]  # round the ends
    assert session.hint()[0].name == open_[-1]  # hints follow the focus
    shown = render(session)
    assert f" {open_[-1]} (" in shown and f"[{len(open_)} of {len(open_)} to fix" in shown
    session.grade()  # still open: the focus stays
    assert session.target().name == open_[-1]


def test_the_focus_moves_to_the_next_open_check_once_its_check_passes(session, course_dir):
    session.grade()
    first, second = [c.name for c in session.open_checks()][:2]
    assert first == "scalar_is_0d"
    reference = solution("tensors")
    tree = ast.parse(reference)
    scalar = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "scalar")
    path = exercise(course_dir, "tensors")  # the stub, with only scalar() solved
    path.write_text(path.read_text() + "\n\n" + ast.get_source_segment(reference, scalar) + "\n")
    session.grade()
    assert "scalar_is_0d" not in [c.name for c in session.open_checks()]
    assert session.target().name == second


def test_watch_keys_n_and_p(session):
    loop = Recorder(session)
    loop.regrade()
    open_ = [c.name for c in session.open_checks()]
    assert loop.on_key("n") and loop.on_key("n") and loop.on_key("p")
    assert session.target().name == open_[1] and loop.grades == 1
