"""The Gradescope runner: grade ``/autograder/submission`` and write ``results/results.json``.

``run_autograder`` (in the bundle from ``torchdojo export gradescope``) calls
``python -m torchdojo.ci.autograder [ROOT]``. Only the learner's modules are read out of the
submission (regular files of bounded size, never through a link: ``intake``), grading uses
strict confinement where this build has it, and the results are written by this process after
every sandbox is gone. Whatever goes wrong, a well-formed results.json is written and the exit
status is 0 (Gradescope reads the file, never the status).
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

DEFAULT_ROOT = "/autograder"
NOTHING_FOUND = ("No exercise files were found in your submission. Upload your exercises/*.py "
                 "files (or the repository that holds exercises/).")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    run(Path(args[0] if args else os.environ.get("TORCHDOJO_AUTOGRADER_ROOT", DEFAULT_ROOT)))
    return 0


def run(root: Path, *, timeout_scale: float = 1.0) -> dict:
    """Grade ``root/submission``, write ``root/results/results.json`` and return its data."""
    started = time.perf_counter()
    from torchdojo.reporters import gradescope

    try:
        data, lines = _grade(root, timeout_scale)
    except Exception as exc:  # never leave Gradescope without a results file
        detail = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
        data, lines = gradescope.failure(detail, time.perf_counter() - started), [detail]
    from torchdojo.files import write_atomically

    write_atomically(root / "results" / "results.json", gradescope.dumps(data))
    print("\n".join(lines))  # Gradescope keeps stdout for the instructor
    return data


def _grade(root: Path, timeout_scale: float) -> tuple[dict, list[str]]:
    import torchdojo
    from torchdojo import course as course_mod
    from torchdojo.ci import strict_available
    from torchdojo.engine.grading import grade
    from torchdojo.intake import read_submission
    from torchdojo.reporters import gradescope
    from torchdojo.reporters.common import summary

    course = course_mod.load()
    strict = strict_available()
    submission = read_submission(root / "submission", [t.name for t in course.topics],
                                 label="")
    found = submission.topics(t.name for t in course.topics)
    report = grade(course, submission=submission, strict=strict, timeout_scale=timeout_scale)
    data = gradescope.results(report)
    if not found and not report.fault:
        data["output"] = f"{NOTHING_FOUND}\n\n{data['output']}"
    lines = [f"torchdojo from {Path(torchdojo.__file__).parent}",
             f"course {course.root}; topics found in the submission: {', '.join(found) or 'none'}",
             f"strict confinement: {'on' if strict else 'not available in this build'}",
             summary(report)]
    if report.fault:
        lines.append(f"grader fault: {report.fault}")
    return data, lines


if __name__ == "__main__":
    sys.exit(main())
