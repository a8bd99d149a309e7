"""Grade a submission: run the hidden checks under pytest and return a ``Report``."""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest

from torchdojo import ctrl_c, lazy_dynamo
from torchdojo.course import Course, CourseError
from torchdojo.engine import sanitize
from torchdojo.engine import strict as strict_mode
from torchdojo.engine.plugin import GradeConfig, GradeListener, GradingPlugin
from torchdojo.engine.report import Report
from torchdojo.intake import Submission, read_submission
from torchdojo.sandbox import forkserver
from torchdojo.seeds import new_seed

INI = Path(__file__).with_name("grading.ini")
FAULT_LIMIT = 20_000  # a grader fault's details, for the instructor


def grade(course: Course, topics: list[str] | tuple[str, ...] = (), *,
          submission: Path | Submission | None = None, seed: int | None = None,
          threads: int = 1,
          strict: bool = False, timeout_scale: float = 1.0,
          listener: GradeListener | None = None, private: Iterable[Path | str] = (),
          allow_weaker: Iterable[str] = (), guard: bool = False) -> Report:
    """Grade ``submission``: a folder of ``<topic>.py`` files (default: the course's exercises)
    or a checkout holding ``exercises/``, read by ``intake``; or the modules already read.

    ``listener`` hears of each check as it starts and finishes (a progress display).
    ``strict`` confines every sandbox (see ``sandbox.limits``) and keeps the course's secrets and
    the ``private`` paths (where results go) out of its sight; the report is authoritative. It
    refuses (``StrictRefused``) before grading anything when a confinement cannot be put in
    force here, unless ``allow_weaker`` names it. ``guard`` (a batch's advisory tier) confines
    sandboxes only as far as protecting the other learners of a batch needs.
    """
    if strict and not sys.platform.startswith("linux"):
        raise CourseError("strict grading needs Linux (namespaces and resource limits)")
    waived = strict_mode.require(allow_weaker) if strict else ()
    selected = course.select(topics)
    if not isinstance(submission, Submission):
        folder = Path(submission) if submission is not None else course.exercises
        if not folder.is_dir():
            raise CourseError(f"submission folder {folder} does not exist")
        submission = read_submission(folder, [t.name for t in selected])
    config = GradeConfig(course=course, topics=selected, submission=submission,
                         seed=new_seed() if seed is None else seed, threads=threads,
                         strict=strict, timeout_scale=timeout_scale, listener=listener,
                         private=strict_mode.private_paths(course, private) if strict else (),
                         guard=guard and not strict and sys.platform.startswith("linux"))
    forkserver.start()
    started = time.perf_counter()
    if len(selected) > 1:
        forkserver.import_preloaded()
    import torch

    lazy_dynamo.install()  # the references' optimizers would import torch._dynamo (1.3 s)
    ctrl_c.raise_if_pressed()  # one that importing torch swallowed
    torch.set_num_threads(threads)
    plugin = GradingPlugin(config)
    interrupt = _CtrlC()
    with _quiet_pytest():
        code = pytest.main(_pytest_args(course, selected), plugins=[plugin, interrupt])
    if interrupt.pressed:
        # pytest caught it and closed every sandbox; a report of the checks run so far would
        # read as a total, so the interrupt goes on to the caller instead
        raise KeyboardInterrupt
    fault = plugin.fault or _pytest_fault(int(code))
    confinement: dict = {}
    if strict:  # every sandbox is closed by now; make sure none of their processes is left
        confinement, leftover = strict_mode.summarize(plugin.sandboxes(), waived)
        fault = fault or leftover
    return Report(seed=config.seed, tier="strict" if strict else "local",
                  topics=[plugin.results[t.name] for t in selected], notes=plugin.notes(),
                  seconds=time.perf_counter() - started, confinement=confinement,
                  fault=sanitize.text(fault, FAULT_LIMIT),
                  environment={"torch": torch.__version__, "python": platform.python_version(),
                               "threads": threads, "cuda": torch.cuda.is_available()})


# pytest plugins a grading run has no use for. Each costs setup on every run, and
# unraisableexception and threadexception run a full gc.collect() at session end: with torch
# loaded that is about 90 ms apiece, most of the time a warm re-grade (watch mode) takes.
# Checks take no fixtures of pytest's own (tmp_path, monkeypatch, recwarn, subtests).
UNUSED_PLUGINS = ("terminal", "cacheprovider", "stepwise", "doctest", "unraisableexception",
                  "threadexception", "junitxml", "pastebin", "legacypath", "setuponly",
                  "setupplan", "debugging", "unittest", "logging", "faulthandler", "tmpdir",
                  "monkeypatch", "recwarn", "subtests")


def _pytest_args(course: Course, topics: list) -> list[str]:
    disabled = [arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")]
    return ["-c", str(INI), "--rootdir", str(course.graders), "--noconftest",
            # pytest collects every folder from the confcutdir down to a grader file, each
            # entry of each one asked whether to ignore it: without this, from / (a course in
            # /tmp: 560 entries, 100 ms of every grade)
            "--confcutdir", str(course.graders),
            # python_files = *.py would make assertion rewriting recompile every module a
            # check imports lazily (torch._dynamo, should learner code compile: ~800 modules,
            # tens of seconds); checks fail through expect(), so rewriting gains nothing
            "--assert=plain",
            "--import-mode=importlib", "--capture=sys", *disabled,
            *[str(course.grader(t)) for t in topics]]


class _CtrlC:
    """Hears of a real Ctrl-C; pytest reports collection errors as an interrupt too."""

    pressed = False

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo) -> None:
        self.pressed = not isinstance(excinfo.value, pytest.Session.Interrupted)


def _pytest_fault(code: int) -> str:
    if code in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return ""
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        return "no checks were collected"
    return f"the grading session ended abnormally (pytest exit code {code})"


@contextmanager
def _quiet_pytest() -> Iterator[None]:
    """No third-party plugins and no options from the environment (PYTEST_ADDOPTS)."""
    with mock.patch.dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"):
        os.environ.pop("PYTEST_ADDOPTS", None)
        os.environ.pop("PYTEST_PLUGINS", None)
        yield
