"""Starting without cloning, from a built wheel: the wheel carries the course beside the package,
and once it is installed in a fresh virtual environment, ``torchdojo init DIR`` in an empty folder
makes a workspace, the first grade works there, and a second ``init`` refuses to overwrite it.

The wheel is built for real (hatchling, with the course hook). To stay fast, the fresh venv
installs only the wheel and borrows its dependencies (torch, click, rich, ...) from this test
environment's site-packages through a path file: the package and the course it grades with come
from the wheel alone, never from this checkout."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(os.name != "posix", reason="venv layout of POSIX systems")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(out), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (found,) = out.glob("torchdojo-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; its dependencies are borrowed from this one."""
    env = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"), "install", "-q",
         "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    ask = "import sysconfig; print(sysconfig.get_path('purelib'))"
    purelib = Path(subprocess.run([str(env / "bin" / "python"), "-c", ask], capture_output=True,
                                  text=True, check=True).stdout.strip())
    # A plain path line: this environment's editable-install hooks (.pth files there) stay off.
    ours = {sysconfig.get_path("purelib"), *site.getsitepackages()}
    (purelib / "zz_borrowed_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return env


def torchdojo(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "TORCHDOJO_COURSE", "VIRTUAL_ENV")}
    return subprocess.run([str(venv / "bin" / "torchdojo"), *args], cwd=cwd, text=True,
                          capture_output=True, timeout=300,
                          env={**env, "NO_COLOR": "1", "COLUMNS": "120"})


def test_the_wheel_carries_the_course_beside_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "torchdojo_course/graders/manifest.toml" in names
    assert "torchdojo/learn/workspace_readme.md" in names
    for topic in ("tensors", "autograd"):
        for folder in ("exercises", "solutions", "graders"):
            assert f"torchdojo_course/{folder}/{topic}.py" in names
    assert not any(name.startswith(("tests/", "torchdojo_course/tests/")) for name in names)


def test_install_init_and_first_grade_from_the_wheel(venv, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import torchdojo, torchdojo.course as c; "
                            "print(torchdojo.__file__); print(c.installed_root())"],
                           cwd=empty, capture_output=True, text=True, check=True).stdout.split()
    assert all(Path(path).is_relative_to(venv) for path in where), where  # not this checkout
    assert Path(where[1]).name == "torchdojo_course"

    made = torchdojo(venv, "init", "ws", cwd=empty)
    assert made.returncode == 0, made.stderr
    assert "cd ws" in made.stdout
    ws = empty / "ws"
    assert (ws / "README.md").is_file() and (ws / "exercises" / "tensors.py").is_file()
    assert not (ws / "solutions").exists() and not (ws / "graders").exists()

    graded = torchdojo(venv, "grade", "tensors", cwd=ws)
    assert graded.returncode == 1, graded.stderr
    assert "Traceback" not in graded.stdout + graded.stderr
    assert "not attempted" in graded.stdout
    assert "Start here: tensors · " in graded.stdout
    assert (ws / ".torchdojo" / "progress.json").is_file()

    mine = ws / "exercises" / "tensors.py"
    mine.write_text(mine.read_text() + "\n# my work\n")
    again = torchdojo(venv, "init", "ws", cwd=empty)
    assert again.returncode == 2 and "already a torchdojo workspace" in again.stderr
    assert "Traceback" not in again.stderr
    assert mine.read_text().endswith("# my work\n")
