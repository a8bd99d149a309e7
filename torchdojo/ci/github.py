"""Helpers the GitHub Actions workflow runs: the plan of shards, and the job summary.

They run before torchdojo is installed (``PYTHONPATH=. python3 -m torchdojo.ci.github ...``
from the instructor's checkout), so they use the standard library only.

    python -m torchdojo.ci.github plan PLAN_DIR   # roster -> PLAN_DIR/roster.tsv, and
                                                  # shards=, count=, seed= for $GITHUB_OUTPUT
    python -m torchdojo.ci.github summary GRADES_DIR PLAN_DIR   # Markdown for the job summary

A matrix runs at most 256 jobs, so learners are not one job each: the plan splits them into
shards (``LEARNERS_PER_SHARD`` each, 40 by default; more when 256 shards would not hold them),
by the same partition ``grade-batch --shard`` uses, and each shard job fetches and grades its
own learners.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import secrets
import sys
from pathlib import Path

from torchdojo.batch.shards import shard_of
from torchdojo.reporters.gradebook_csv import learner_id

ROSTER = Path("ci") / "roster.txt"
REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9_.-]+")  # owner/name
REF = re.compile(r"[A-Za-z0-9_./-]+")
MATRIX_LIMIT = 256  # GitHub runs at most 256 jobs from one matrix
LEARNERS_PER_SHARD = 40
PLAN_FILE = "roster.tsv"  # shard, name, repository, ref; one learner per line


class RosterError(ValueError):
    pass


def learners(text: str) -> list[dict[str, str]]:
    """Parse "owner/name" or "owner/name@ref" entries (one per line or space separated).

    Each becomes a learner whose name is its folder and report file; two entries whose names
    match, even only when case is ignored (as on macOS and Windows, where artifacts are often
    opened), are refused rather than graded into one row.
    """
    found: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        for entry in line.split("#", 1)[0].split():
            repository, _, ref = entry.partition("@")
            if not REPOSITORY.fullmatch(repository) or (ref and not REF.fullmatch(ref)):
                raise RosterError(f"not a repository (owner/name[@ref]): {entry!r}")
            ref = f"refs/{ref}" if ref.startswith("pull/") else ref
            name = repository.replace("/", "__") + (f"__{re.sub(r'[^A-Za-z0-9_.-]', '-', ref)}"
                                                    if ref else "")
            other = found.get(name.casefold())
            if other is not None:
                first = other["repository"] + (f"@{other['ref']}" if other["ref"] else "")
                raise RosterError(f"{first!r} and {entry!r} would both be graded as learner "
                                  f"{name!r} (names are compared ignoring case): list each "
                                  "learner once")
            found[name.casefold()] = {"repository": repository, "ref": ref, "name": name}
    if not found:
        raise RosterError("no learner repositories given (inputs.repositories or ci/roster.txt)")
    return list(found.values())


def shard_count(learner_count: int, per_shard: int = LEARNERS_PER_SHARD) -> int:
    return max(1, min(MATRIX_LIMIT, math.ceil(learner_count / per_shard)))


def plan(requested: str, dest: Path, seed: str = "", per_shard: str = "",
         roster: Path = ROSTER) -> str:
    """Write the shard of every learner to ``dest``; return the lines for $GITHUB_OUTPUT."""
    text = requested.strip() or (roster.read_text() if roster.is_file() else "")
    entries = learners(text)
    size = _whole(per_shard, "learners per shard", 1, 100_000) if per_shard.strip() \
        else LEARNERS_PER_SHARD
    chosen = _whole(seed, "seed", 0, 2**31 - 1) if seed.strip() else secrets.randbelow(2**31)
    count = shard_count(len(entries), size)
    dest.mkdir(parents=True, exist_ok=True)
    rows = sorted((shard_of(e["name"], count), e["name"], e["repository"], e["ref"])
                  for e in entries)
    (dest / PLAN_FILE).write_text("".join("\t".join(map(str, row)) + "\n" for row in rows))
    return (f"shards={json.dumps(list(range(1, count + 1)))}\ncount={count}\nseed={chosen}\n"
            f"learners={len(entries)}")


def _whole(text: str, what: str, low: int, high: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise RosterError(f"{what} must be a whole number, not {text.strip()!r}") from None
    if not low <= value <= high:
        raise RosterError(f"{what} must be {low} to {high}")
    return value


def planned_names(plan_dir: Path) -> list[str]:
    path = plan_dir / PLAN_FILE
    if not path.is_file():
        return []
    return [line.split("\t")[1] for line in path.read_text().splitlines() if line]


def summary(grades: Path, planned: list[str] | None = None) -> str:
    """The gradebook as a Markdown table; learners without a grade are called out.

    ``planned`` names every learner of the run (from the plan): one whose repository could
    not be fetched has no folder, so no gradebook row, and is listed instead of vanishing.
    """
    book = grades / "gradebook.csv"
    rows = list(csv.reader(book.open(newline="", encoding="utf-8"))) if book.is_file() else []
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    lines = ["## torchdojo grades", ""]
    if header:
        lines += ["| " + " | ".join(header[:-1]) + " |", "|" + "---|" * (len(header) - 1)]
        lines += ["| " + " | ".join(_md(c) for c in row[:-1]) + " |" for row in body]
        seed = next((row[-1] for row in body if row[-1]), "")
        lines += ["", f"{len(body)} learner(s), seed {seed}; reports are in the `grades` "
                      "artifact."]
    else:
        lines.append("No gradebook was written: see the merge step's log.")
    status = header.index("status") if header else 0
    regrade = [learner_id(row[0]) for row in body
               if row[status] in ("needs_regrade", "pending")]
    graded = {learner_id(row[0]) for row in body}
    missing = [name for name in planned or [] if name not in graded]
    if regrade:
        lines.append(f"**{len(regrade)} learner(s) need a regrade:** " + ", ".join(regrade))
    if missing:
        lines.append(f"**{len(missing)} repositories could not be fetched or graded** (see "
                     "the fetch and grade jobs): " + ", ".join(missing))
    return "\n".join(lines) + "\n"


def _md(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")[:200]


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["plan"] and len(argv) == 2:
            print(plan(os.environ.get("REPOSITORIES", ""), Path(argv[1]),
                       os.environ.get("SEED", ""), os.environ.get("LEARNERS_PER_SHARD", "")))
        elif argv[:1] == ["summary"] and len(argv) == 3:
            print(summary(Path(argv[1]), planned_names(Path(argv[2]))), end="")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (RosterError, OSError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
