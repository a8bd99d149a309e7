"""Result files: written in one step, never through a planted link, and never replacing a
device or a pipe the caller named (``--output /dev/null``)."""

from __future__ import annotations

import os
import stat
import threading

from torchdojo.files import write_atomically


def test_a_planted_link_is_replaced_and_its_target_left_alone(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "results.json"
    link.symlink_to(target)
    write_atomically(link, "{}")
    assert not link.is_symlink() and link.read_text() == "{}"
    assert target.read_text() == "keep me"


def test_a_device_is_written_into_not_replaced(tmp_path):
    # Through a link, so that a regression replaces the link in tmp_path, not /dev/null.
    link = tmp_path / "out.json"
    link.symlink_to(os.devnull)
    write_atomically(link, "{}")
    assert link.is_symlink()
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_pipe_gets_the_text(tmp_path):
    fifo = tmp_path / "report"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    write_atomically(fifo, "verdicts")
    reader.join(timeout=10)
    assert got == ["verdicts"] and stat.S_ISFIFO(os.lstat(fifo).st_mode)
