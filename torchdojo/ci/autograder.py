"""The Gradescope runner: grade ``/autograder/submission`` and write ``results/results.json``.

``run_autograder`` (in the bundle from ``torchdojo export gradescope``) calls
``python -m torchdojo.ci.autograder [ROOT]``. Only the learner's ``<topic>.py`` files are
copied out of the submission (code, nothing else), grading uses strict confinement where this
build has it, and the results are written by this process after every sandbox is gone. Whatever
goes wrong, a well-formed results.json is written and the exit status is 0 (Gradescope reads the
file, never the status).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

DEFAULT_ROOT = "/autograder"
NOTHING_FOUND = ("No exercise files were found in your submission. Upload your exercises/*.py "
                 "files (or the repository that holds exercises/).")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0] if args else os.environ.get("TORCHDOJO_AUTOGRADER_ROOT", DEFAULT_ROOT))
    started = time.perf_counter()
    from torchdojo.reporters import gradescope

    try:
        data, lines = _grade(root)
    except Exception as exc:  # never leave Gradescope without a results file
        detail = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
        data, lines = gradescope.failure(detail, time.perf_counter() - started), [detail]
    from torchdojo.files import write_atomically

    write_atomically(root / "results" / "results.json",
                 json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    print("\n".join(lines))  # Gradescope keeps stdout for the instructor
    return 0


def _grade(root: Path) -> tuple[dict, list[str]]:
    import torchdojo
    from torchdojo import course as course_mod
    from torchdojo.ci import strict_available
    from torchdojo.engine.grading import grade
    from torchdojo.reporters import gradescope
    from torchdojo.reporters.common import summary
    from torchdojo.submission import copy_code

    course = course_mod.load()
    strict = strict_available()
    with tempfile.TemporaryDirectory(prefix="torchdojo-submission-") as tmp:
        found = copy_code(course, root / "submission", Path(tmp))
        report = grade(course, submission=Path(tmp), strict=strict)
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
