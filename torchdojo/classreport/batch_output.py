"""A grade-batch output as the class report reads it: one learner per gradebook row.

The learners and their states are the rows of ``gradebook.csv``, built the way grade-batch
and ``gradebook merge`` build them (``Output.rows``: batch.json's roster, each learner's report
checked against the batch and the course). ``graded``, ``not_attempted`` and
``no_submission`` have scores (the last two 0) and count in every figure. ``needs_regrade``
(the grading failed, or the report was refused) and ``pending`` (not graded yet) have none:
they are not zeros, so they are in no figure, and the report lists them as learners to look
at. A report file that is no learner of the batch is set aside, named by file.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from torchdojo.batch.output import MANIFEST, Output, read_manifest
from torchdojo.classreport.records import (
    Learner,
    Points,
    RecordError,
    Records,
    Rejected,
    learner_of,
)
from torchdojo.reporters.gradebook_csv import SCORED


def is_batch_output(grades: Path) -> bool:
    return (grades / MANIFEST).is_file()


def read_batch(grades: Path, points: Points) -> Records:
    """The learners of the batch in ``grades``, in their gradebook states."""
    key, shard, roster = read_manifest(grades)
    output = Output(grades, key, shard, roster)
    output.load_records(points)
    learners, rejected = [], []
    for row in output.rows():
        file = output.report_file(row.learner).name
        if row.state in SCORED:
            try:
                found = learner_of(row.record, row.learner, file, points)
            except RecordError as exc:  # the batch's checks passed it; ours are stricter
                rejected.append(Rejected(file, str(exc)))
                continue
            learners.append(replace(found, state=row.state))
        else:
            why = row.reason or (row.record or {}).get("reason", "")
            learners.append(Learner(row.learner, file, None, str(why), state=row.state))
    known = set(roster)
    rejected += [Rejected(path.name, f"is no learner of this batch ({MANIFEST})")
                 for path in sorted(output.reports.glob("*.json"))
                 if not path.name.startswith(".") and path.stem not in known]
    return Records(output.reports, learners, rejected)
