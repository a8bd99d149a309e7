"""Every corpus case graded once, through the batch pool, for all the tests that check it.

Grading a case is a pytest session in a process that has imported torch. One after another in
the test process, the corpus keeps one core busy for most of the suite; the batch pool (the
engine behind ``grade-batch``) grades the cases side by side in long-lived workers, each an
ordinary grading process, with the same seed and thread count as a learner's run, so a case
gets the grade it would get alone.

The first test that asks for a report grades every case this session collected (so ``-k``
narrows the work too); the others look theirs up. A case the session did not announce (a test
that builds its own) is graded on demand.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.corpus import Case
from torchdojo import course as course_mod
from torchdojo.batch.faults import fault_report
from torchdojo.batch.folders import default_workers
from torchdojo.batch.grade_all import learner_budget
from torchdojo.batch.pool import Job, Pool
from torchdojo.batch.worker import Settings
from torchdojo.engine.report import Report

SEED = 2024
KINDS = ("wrong", "right", "constant")  # cases graded alone, on their own topic, locally


def workers() -> int:
    """One worker per core this process may use (``TORCHDOJO_TEST_WORKERS`` overrides)."""
    return int(os.environ.get("TORCHDOJO_TEST_WORKERS", 0)) or default_workers()


class CorpusReports:
    """The reports of corpus cases, each graded once (by ``case.id``)."""

    def __init__(self, folder: Path, announced: Iterable[Case]) -> None:
        self.folder = folder
        self.course = course_mod.load(ROOT)
        self.pending = {case.id: case for case in announced}
        self.reports: dict[str, Report] = {}

    def __getitem__(self, case: Case) -> Report:
        if case.id not in self.reports:
            self.pending[case.id] = case
            self._grade(list(self.pending.values()))
        return self.reports[case.id]

    def _grade(self, todo: list[Case]) -> None:
        jobs = [self._job(case) for case in todo]
        topics = {case.topic for case in todo}
        budget = max(learner_budget(self.course, topics=[t]) for t in topics)
        settings = Settings(root=str(ROOT), seed=SEED)
        pool = Pool(settings, size=workers(), budget=budget, log_dir=self.folder,
                    fault=lambda why: fault_report(self.course, SEED, False, why))
        pool.run(jobs, done=self._done)
        self.pending.clear()

    def _job(self, case: Case) -> Job:
        folder = self.folder / case.id.replace("/", "__")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{case.topic}.py").write_text(case.source())
        return Job(case.id, folder, (case.topic,))

    def _done(self, job: Job, report: Report) -> None:
        self.reports[job.learner] = report


def announced_cases(session: pytest.Session) -> list[Case]:
    """The corpus cases of the kinds graded here that this session's tests are given."""
    found: dict[str, Case] = {}
    for item in session.items:
        case = getattr(item, "callspec", None) and item.callspec.params.get("case")
        if isinstance(case, Case) and case.kind in KINDS:
            found[case.id] = case
    return list(found.values())
