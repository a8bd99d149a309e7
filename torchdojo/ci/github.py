"""Helpers the GitHub Actions workflow runs: the learner matrix, and the job summary.

They run before torchdojo is installed (``PYTHONPATH=. python3 -m torchdojo.ci.github ...``
from the instructor's checkout), so they use the standard library only.

    python -m torchdojo.ci.github matrix   # roster -> "matrix=<json>" for $GITHUB_OUTPUT
    python -m torchdojo.ci.github summary GRADES_DIR   # Markdown for $GITHUB_STEP_SUMMARY
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from pathlib import Path

ROSTER = Path("ci") / "roster.txt"
REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
REF = re.compile(r"[A-Za-z0-9_./-]+")
MATRIX_LIMIT = 256  # GitHub runs at most 256 jobs from one matrix


class RosterError(ValueError):
    pass


def learners(text: str) -> list[dict[str, str]]:
    """Parse "owner/name" or "owner/name@ref" entries (one per line or space separated)."""
    found: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        for entry in line.split("#", 1)[0].split():
            repository, _, ref = entry.partition("@")
            if not REPOSITORY.fullmatch(repository) or (ref and not REF.fullmatch(ref)):
                raise RosterError(f"not a repository (owner/name[@ref]): {entry!r}")
            ref = f"refs/{ref}" if ref.startswith("pull/") else ref
            name = repository.replace("/", "__") + (f"__{re.sub(r'[^A-Za-z0-9_.-]', '-', ref)}"
                                                    if ref else "")
            found[name] = {"repository": repository, "ref": ref, "name": name}
    if not found:
        raise RosterError("no learner repositories given (inputs.repositories or ci/roster.txt)")
    if len(found) > MATRIX_LIMIT:
        raise RosterError(f"{len(found)} repositories; one run grades at most {MATRIX_LIMIT}")
    return list(found.values())


def matrix(requested: str, roster: Path = ROSTER) -> str:
    text = requested.strip() or (roster.read_text() if roster.is_file() else "")
    return "matrix=" + json.dumps({"learner": learners(text)})


def summary(grades: Path, planned: list[str] | None = None) -> str:
    """The gradebook as a Markdown table; learners without a grade are called out.

    ``planned`` names every learner of the run (from the matrix): one whose repository could
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
        lines += ["", f"{len(body)} learner(s) graded, seed {seed}; reports are in the "
                      "`grades` artifact."]
    else:
        lines.append("No gradebook was written: see the grade step's log.")
    regrade = [row[0] for row in body if row[header.index("status")] != "graded"]
    graded = {row[0].removeprefix("learner-") for row in body}
    missing = [name for name in planned or [] if name not in graded]
    if regrade:
        lines.append(f"**{len(regrade)} learner(s) need a regrade:** " + ", ".join(regrade))
    if missing:
        lines.append(f"**{len(missing)} repositories could not be fetched** (see the fetch "
                     "jobs): " + ", ".join(missing))
    return "\n".join(lines) + "\n"


def planned_names(matrix_json: str) -> list[str]:
    if not matrix_json.strip():
        return []
    return [entry["name"] for entry in json.loads(matrix_json)["learner"]]


def _md(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")[:200]


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["matrix"]:
            print(matrix(os.environ.get("REPOSITORIES", "")))
        elif argv[:1] == ["summary"] and len(argv) == 2:
            print(summary(Path(argv[1]), planned_names(os.environ.get("MATRIX", ""))), end="")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (RosterError, OSError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
