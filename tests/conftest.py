from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from torchdojo import course as course_mod
from torchdojo.engine.grading import grade
from torchdojo.engine.report import Report

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def course():
    return course_mod.load(ROOT)


def copy_course(folder: Path, topics: tuple[str, ...] = ()) -> Path:
    """A private copy of the course in ``folder``, so progress and edits stay out of the
    repository; with ``topics``, a course of only those (in course order)."""
    for name in ("exercises", "solutions", "graders"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    if topics:
        manifest = folder / "graders" / "manifest.toml"
        head, *blocks = manifest.read_text().split("[[topic]]")
        kept = [b for b in blocks if re.search(r'^name = "(\w+)"', b, re.M)[1] in topics]
        manifest.write_text(head + "".join("[[topic]]" + b for b in kept))
    return folder


@pytest.fixture
def course_dir(tmp_path) -> Path:
    """A private course of the first two topics: enough for flows that move between topics,
    whatever the course grows to."""
    return copy_course(tmp_path, ("tensors", "reshape_view"))


@pytest.fixture
def grade_files(course, tmp_path):
    """Grade a submission made of {topic: source}; topics not given are left out."""

    def run(files: dict[str, str], topics=(), seed: int = 1234, **options) -> Report:
        folder = tmp_path / f"submission{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        for topic, source in files.items():
            (folder / f"{topic}.py").write_text(source)
        return grade(course, list(topics or files), submission=folder, seed=seed, **options)

    return run


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    """The Gradescope autograder zip, as `torchdojo export gradescope` writes it."""
    out = tmp_path_factory.mktemp("export") / "autograder.zip"
    run = subprocess.run([sys.executable, "-m", "torchdojo", "export", "gradescope", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return out


def solution(topic: str) -> str:
    return (ROOT / "solutions" / f"{topic}.py").read_text()


def by_name(report: Report) -> dict:
    return {f"{t.name}.{c.name}": c for t in report.topics for c in t.checks}


@pytest.fixture(scope="session")
def corpus_reports(request, tmp_path_factory):
    """Reports of the corpus cases, each graded once through the batch pool (see
    ``tests/corpus_reports.py``)."""
    from tests.corpus_reports import CorpusReports, announced_cases

    return CorpusReports(tmp_path_factory.mktemp("corpus"), announced_cases(request.session))


def invoke(*args: str, cwd: Path = ROOT, env: dict | None = None
           ) -> subprocess.CompletedProcess:
    """The command run in this process with click's test runner: for usage errors, which are
    answered before anything is graded, so a new interpreter would only add its start-up.
    An exception that escapes the command (a traceback for the user) fails the test."""
    from click.testing import CliRunner

    from torchdojo.cli import main

    with contextlib.chdir(cwd):
        result = CliRunner().invoke(main, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def processes_marked(token: str) -> list[int]:
    """Live processes whose environment holds ``token``: set it as a variable whose name
    starts with TORCH and the fork servers started beneath inherit it (Linux: reads /proc).
    The caller's own multiprocessing resource tracker lives as long as the caller: not
    counted."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry.name.isdigit() and int(entry.name) != os.getpid()
                    and token.encode() in (entry / "environ").read_bytes()
                    and b"resource_tracker" not in (entry / "cmdline").read_bytes()):
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


SUDO_AS_ROOT = '#!/bin/sh\n[ "$(id -u)" = 0 ] || exit 1\nexec "$@"\n'


def sudo_shim(folder: Path) -> Path:
    """A folder holding ``sudo`` as root has it on a machine without the sudo package: it runs
    the command as is (and fails for anyone else). Put it first on PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sudo").write_text(SUDO_AS_ROOT)
    (folder / "sudo").chmod(0o755)
    return folder


# Fixtures that run a real outside tool or a whole batch: a test using one is in the slow tier.
SLOW_FIXTURES = {"roundtrip", "generated", "bundle", "notebooks"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses a slow fixture without the ``slow`` mark would make the fast tier
    (``python -m pytest``) pay for that fixture: say so at collection."""
    unmarked = [item.nodeid for item in items
                if SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
                and item.get_closest_marker("slow") is None]
    if unmarked:
        raise pytest.UsageError(f"mark these @pytest.mark.slow (they use a slow fixture, "
                                f"{', '.join(sorted(SLOW_FIXTURES))}): {', '.join(unmarked)}")
