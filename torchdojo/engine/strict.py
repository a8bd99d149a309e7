"""Strict grading on the grading side: what sandboxes must not see, and what was in force.

The sandbox itself applies the confinements (``sandbox.limits``) and says which ones held
before any learner code runs; this module gathers those statements for the report and checks,
after teardown, that no process of any sandbox is left before the report is written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from torchdojo.course import Course
from torchdojo.sandbox.host import Sandbox


def private_paths(course: Course, extra: Iterable[Path | str] = ()) -> tuple[str, ...]:
    """The course's secrets (solutions, hidden checks, tests, history, results) and ``extra``."""
    root = course.root
    paths = [course.solutions, course.graders, root / "tests", course.state,
             root / ".git", *_git_folders(root / ".git"), *extra]
    return tuple(dict.fromkeys(str(Path(p).resolve()) for p in paths))


def _git_folders(dot_git: Path) -> list[Path]:
    """A worktree's ``.git`` is a file naming its folder, which names the shared object store."""
    try:
        folder = Path(dot_git.read_text().removeprefix("gitdir:").strip())
    except (OSError, UnicodeDecodeError):
        return []
    found = [folder]
    with contextlib.suppress(OSError):
        found.append((folder / (folder / "commondir").read_text().strip()).resolve())
    return found


def summarize(sandboxes: Iterable[Sandbox]) -> tuple[dict, str]:
    """The confinement section of a strict report, and a fault if any sandbox outlived teardown.

    A confinement counts as in force only when every sandbox of the run had it. Closing is
    idempotent; it is repeated here so that the check below sees every sandbox torn down.
    """
    sandboxes = list(sandboxes)
    for box in sandboxes:
        box.close()
    boxes = [box for box in sandboxes if box.confinement]
    in_force: dict[str, str] = {}
    missing: dict[str, str] = {}
    for box in boxes:
        for name, (held, text) in box.confinement.items():
            if not held:
                missing.setdefault(name, text)
            elif name not in missing:
                in_force.setdefault(name, text)
    for name in missing:
        in_force.pop(name, None)
    left = sorted(pid for box in sandboxes for pid in box.survivors)
    fault = ""
    if left:
        fault = f"sandbox processes outlived teardown: {left}"
        in_force.pop("teardown", None)
        missing["teardown"] = fault
    if not boxes:
        missing["sandbox"] = "no sandbox was started (no submitted file was graded)"
    return {"in_force": in_force, "not_available": missing}, fault
