"""The grading side of a distributed job: what its ranks recorded, and why a rank stopped.

A probe runs a job with ``torchdojo.sandbox.ranks.run`` and returns the ranks' records as data.
A check reads one step of them with ``rank_records``: it gets every rank's values, or the
problem that stopped the step, as the exception the plugin turns into a status. A learner
exception is an error; a collective that only some ranks entered, or a rank past the job's
deadline, is a timeout that says which collective to look at; a rank that died is a crash.
"""

from __future__ import annotations

import re
from typing import Any

from torchdojo.compare import Mismatch
from torchdojo.engine.fork_results import ended, last_line
from torchdojo.sandbox.host import SandboxCrashed, SandboxTimeout, learner_problem
from torchdojo.sandbox.ranks import DEADLINE

# What gloo says when the other side of a collective never came, left, or sent something else.
COLLECTIVE_FAILED = re.compile(r"Timed out|Connection (closed|reset)|Broken pipe|Socket Timeout|"
                               r"collective mismatch", re.IGNORECASE)
GLOO_PLACE = re.compile(r"^\[[^\]]*\.cc:\d+\]\s*")  # "[.../pair.cc:537] " before gloo's text
COLLECTIVE = "collectives run on every rank"  # what a hung collective teaches, whatever the check
COLLECTIVE_ADVICE = ("Every rank must enter every collective (all_reduce, barrier, a DDP "
                     "forward and backward) in the same order. Keep only side effects such as "
                     "logging or saving under `if rank == 0`, never the collective itself.")


def rank_records(job: Any, step: str, learner: Any, name: str) -> list[dict]:
    """What every rank recorded for ``step``, or raise the problem that stopped it.

    ``job`` is what ``ranks.run`` returned, or a dict holding it under "ranks". ``name`` says
    what the step ran (it labels messages). Priority: a learner exception that is not a failed
    collective (the cause), then a failed collective or a rank past the deadline (timeout),
    then a rank that ended without recording the step (crash).
    """
    ranks = job.get("ranks") if isinstance(job, dict) else job
    if not isinstance(ranks, list) or not ranks or \
            not all(isinstance(r, dict) and isinstance(r.get("steps"), dict) for r in ranks):
        raise SandboxCrashed("the ranks' records are malformed")
    found = [r["steps"].get(step) for r in ranks]
    _raise_errors(found, ranks, learner, name)
    lost = [(rank, r) for rank, (rec, r) in enumerate(zip(found, ranks, strict=True))
            if not isinstance(rec, dict)]
    for rank, r in sorted(lost, key=lambda lost: lost[1].get("status") != "killed"):
        _raise_lost(rank, r, name)
    for rank, rec in enumerate(found):
        if "unreadable" in rec:
            learner.last_call = f"{name} on rank {rank}"
            raise Mismatch(f"gave a value the grader cannot read: {rec['unreadable']}",
                           "Return plain numbers, tensors, lists or dicts.", prop="type")
    learner.last_call = name
    return found


def job_part(job: Any, key: str) -> Any:
    """One field of a job that reports more than the ranks' records (files it left, say)."""
    if not isinstance(job, dict):
        raise SandboxCrashed("the job's records are malformed")
    return job.get(key)


def ranks_that_wrote(written: Any) -> list[int]:
    """The ranks marked True in a per-rank list of flags."""
    return [r for r, w in enumerate(written) if w is True] if isinstance(written, list) else []


def _raise_errors(found: list, ranks: list[dict], learner: Any, name: str) -> None:
    errors = [(i, rec.get("error")) for i, rec in enumerate(found)
              if isinstance(rec, dict) and isinstance(rec.get("error"), dict)]
    errors += [(i, r.get("error")) for i, r in enumerate(ranks)
               if r.get("status") == "raised" and isinstance(r.get("error"), dict)]
    for rank, error in sorted(errors, key=lambda e: _collective(e[1])):
        learner.last_call = f"{name} on rank {rank}"
        if not _collective(error):
            raise learner_problem(error, learner.last_call)
        said = last_line(error.get("message"), strip=GLOO_PLACE)
        raise SandboxTimeout(f"rank {rank} waited in a collective that another rank never "
                             f"entered ({error.get('type')}: {said})", COLLECTIVE_ADVICE,
                             COLLECTIVE)


def _raise_lost(rank: int, record: dict, name: str) -> None:
    if record.get("status") == "killed":
        raise SandboxTimeout(f"rank {rank} was still running {name} after {DEADLINE:g} s and "
                             "was stopped", COLLECTIVE_ADVICE, COLLECTIVE)
    said = last_line(record.get("output"), last=True)
    raise SandboxCrashed(f"rank {rank} {ended(record.get('exit'))} while running {name}"
                         + (f" (its last words: {said})" if said else ""))


def _collective(error: dict) -> bool:
    return bool(COLLECTIVE_FAILED.search(str(error.get("message", ""))))
