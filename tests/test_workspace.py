"""Starting without cloning: ``torchdojo init`` makes a learner's workspace from the installed
course, every learner command works in it and below it, and ``init --update`` brings it up to
date without touching the learner's work. The installed course is a private copy named by
$TORCHDOJO_COURSE (the wheel's own layout is tested in test_wheel.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_course, solution
from torchdojo import course as course_mod
from torchdojo.author import stubs


def torchdojo(*args: str, cwd: Path, course: Path, input: str = ""
              ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "torchdojo", *args], cwd=cwd, text=True,
                          input=input, capture_output=True, timeout=300,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "120",
                               "TORCHDOJO_COURSE": str(course)})


@pytest.fixture
def installed(tmp_path) -> Path:
    """The course as installed beside the package (a folder named torchdojo_course)."""
    return copy_course(tmp_path / "site" / "torchdojo_course", ("tensors", "reshape_view"))


@pytest.fixture
def home(tmp_path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_init_makes_a_workspace_of_stubs_a_readme_and_progress_only(installed, home):
    run = torchdojo("init", "ws", cwd=home, course=installed)
    assert run.returncode == 0, run.stderr
    assert "cd ws" in run.stdout and "torchdojo watch" in run.stdout
    ws = home / "ws"
    assert files_in(ws) == [".torchdojo/generated.json", ".torchdojo/workspace.json",
                            "README.md", "exercises/reshape_view.py", "exercises/tensors.py"]
    for topic in ("tensors", "reshape_view"):  # stubs, never the references
        reference = (installed / "solutions" / f"{topic}.py").read_text()
        assert (ws / "exercises" / f"{topic}.py").read_text() == stubs.derive(reference)
        assert stubs.BEGIN not in (ws / "exercises" / f"{topic}.py").read_text()
    readme = (ws / "README.md").read_text()
    assert "torchdojo watch" in readme and "| 1 | `tensors` |" in readme
    assert "init --update" in readme
    assert json.loads((ws / ".torchdojo" / "workspace.json").read_text())["torchdojo"]
    assert not list(home.glob(".torchdojo-init-*"))  # nothing left of the staging


def test_init_never_overwrites(installed, home):
    assert torchdojo("init", "ws", cwd=home, course=installed).returncode == 0
    mine = home / "ws" / "exercises" / "tensors.py"
    mine.write_text("# my work\n")
    for args, cwd in ((["init", "ws"], home), (["init"], home / "ws"),
                      (["init", "inner"], home / "ws" / "exercises")):
        run = torchdojo(*args, cwd=cwd, course=installed)
        assert run.returncode == 2, run.stdout
        assert "already a torchdojo workspace" in run.stderr and "Traceback" not in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1
    assert mine.read_text() == "# my work\n"
    assert not (home / "ws" / "exercises" / "inner").exists()
    (home / "other" / "exercises").mkdir(parents=True)
    run = torchdojo("init", "other", cwd=home, course=installed)
    assert run.returncode == 2 and "already has exercises" in run.stderr
    assert not (home / "other" / ".torchdojo").exists()


def test_init_in_the_current_folder(installed, home):
    (home / "notes.txt").write_text("mine\n")
    run = torchdojo("init", ".", cwd=home, course=installed)
    assert run.returncode == 0, run.stderr
    assert (home / "exercises" / "tensors.py").is_file() and (home / "notes.txt").is_file()
    assert "cd " not in run.stdout


def test_learner_commands_work_in_the_workspace_and_below(installed, home):
    assert torchdojo("init", "ws", cwd=home, course=installed).returncode == 0
    ws = home / "ws"
    below = ws / "exercises"
    graded = torchdojo("grade", "tensors", cwd=below, course=installed)
    assert graded.returncode == 1, graded.stderr
    assert "not attempted" in graded.stdout
    assert graded.stdout.rstrip().splitlines()[-2].startswith("Start here: tensors · ")
    assert (ws / ".torchdojo" / "progress.json").is_file()
    assert not (installed / ".torchdojo").exists()  # nothing written to the installed course

    hinted = torchdojo("hint", cwd=below, course=installed)
    assert hinted.returncode == 0 and "tensors · scalar_is_0d" in hinted.stdout
    assert "Run `torchdojo hint` again" in hinted.stdout

    (ws / "exercises" / "tensors.py").write_text(solution("tensors"))
    assert torchdojo("grade", "tensors", cwd=ws, course=installed).returncode == 0
    listed = torchdojo("list", cwd=below, course=installed)
    row = next(line for line in listed.stdout.splitlines() if " tensors " in line)
    assert "done" in row
    shown = torchdojo("solution", "tensors", cwd=below, course=installed)
    assert shown.returncode == 0 and shown.stdout == solution("tensors")
    assert torchdojo("solution", "reshape_view", cwd=below, course=installed).returncode == 1

    reset = torchdojo("reset", "tensors", "--yes", cwd=below, course=installed)
    assert reset.returncode == 0 and ".torchdojo/backups/tensors-" in reset.stdout
    assert [p.read_text() for p in (ws / ".torchdojo" / "backups").iterdir()] == \
           [solution("tensors")]
    listed = torchdojo("list", cwd=ws, course=installed)
    row = next(line for line in listed.stdout.splitlines() if " tensors " in line)
    assert " new " in row and "0/" in row


def test_learner_commands_outside_a_workspace_say_how_to_make_one(installed, home):
    for args in (["grade"], ["list"], ["hint"], ["watch"], ["reset", "tensors"],
                 ["solution", "tensors"]):
        run = torchdojo(*args, cwd=home, course=installed)
        assert run.returncode == 2, (args, run.stdout)
        assert "not a torchdojo workspace: `torchdojo init` makes one" in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1
    assert not (installed / ".torchdojo").exists()


def upgraded(installed: Path) -> None:
    """A newer torchdojo: the tensors stub changed, reshape_view is a new topic."""
    path = installed / "solutions" / "tensors.py"
    path.write_text(path.read_text().replace('"""', '"""Revised. ', 1))


def test_update_adds_new_topics_and_refreshes_only_what_the_learner_left_alone(tmp_path, home):
    old = copy_course(tmp_path / "old" / "torchdojo_course", ("tensors",))
    assert torchdojo("init", "ws", cwd=home, course=old).returncode == 0
    ws = home / "ws"
    new = copy_course(tmp_path / "new" / "torchdojo_course", ("tensors", "reshape_view"))
    upgraded(new)
    listed = torchdojo("list", cwd=ws, course=new)
    assert "New in the installed torchdojo: reshape_view" in listed.stdout
    assert "init --update" in listed.stdout

    run = torchdojo("init", "--update", cwd=ws, course=new)
    assert run.returncode == 0, run.stderr
    assert "added exercises/reshape_view.py" in run.stdout
    assert "refreshed exercises/tensors.py" in run.stdout and "refreshed README.md" in run.stdout
    assert (ws / "exercises" / "tensors.py").read_text().startswith('"""Revised. ')
    assert "| 2 | `reshape_view` |" in (ws / "README.md").read_text()
    again = torchdojo("init", "--update", cwd=ws, course=new)
    assert again.stdout.strip() == "The workspace is up to date."

    mine = ws / "exercises" / "tensors.py"
    mine.write_text(mine.read_text() + "\n# my work\n")
    upgraded(new)
    run = torchdojo("init", "--update", cwd=ws / "exercises", course=new)
    assert run.returncode == 0, run.stderr
    assert "kept tensors.py: you edited it" in run.stdout
    assert mine.read_text().endswith("# my work\n")


def test_update_outside_a_workspace_is_one_line(installed, home):
    run = torchdojo("init", "--update", cwd=home, course=installed)
    assert run.returncode == 2 and "not inside a torchdojo workspace" in run.stderr


def test_watch_keeps_progress_and_plots_in_the_workspace(installed, home, monkeypatch):
    from torchdojo.learn.plots import plots_folder
    from torchdojo.learn.session import WatchSession

    assert torchdojo("init", "ws", cwd=home, course=installed).returncode == 0
    ws = home / "ws"
    monkeypatch.setenv("TORCHDOJO_COURSE", str(installed))
    course = course_mod.locate(ws / "exercises")
    assert course.home == ws and course.root == installed
    session = WatchSession(course, seed=3, topic=course.topic("tensors"), pinned=True)
    (ws / "exercises" / "tensors.py").write_text(solution("tensors"))
    session.grade()
    assert session.result.complete
    assert session.progress.path == ws / ".torchdojo" / "progress.json"
    assert json.loads(session.progress.path.read_text())["checks"]
    assert plots_folder(course) == ws / ".torchdojo" / "plots"
    assert not (installed / ".torchdojo").exists()  # nothing written to the installed course
