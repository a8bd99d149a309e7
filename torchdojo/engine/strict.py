"""Strict grading on the grading side: refuse without confinement, hide secrets, say what held.

``--strict`` fails closed. ``require`` asks the machine, once and before anything is graded,
whether every confinement a strict sandbox promises can be put in force (``capabilities``);
what cannot and was not waived by the caller stops the run with one line saying how to get
it. The sandboxes themselves apply the confinements (``sandbox.limits``) and say which ones
held before any learner code runs; ``summarize`` gathers those statements for the report,
turns any confinement that did not hold and was not waived into a grader fault (no grade),
and checks, after teardown, that no process of any sandbox is left before the report is
written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from torchdojo.course import Course, CourseError
from torchdojo.sandbox import capabilities
from torchdojo.sandbox.host import Sandbox


class StrictRefused(CourseError):
    """Strict grading cannot keep its promises here, and the caller did not waive them."""


def require(allow_weaker: Iterable[str] = (), waive: str = "add --allow-weaker {kinds}"
            ) -> tuple[str, ...]:
    """Check this machine before grading; returns the waived confinements (fact names).

    ``allow_weaker`` takes KINDs (``memory``, ``file-system``) or fact names; ``waive`` says
    how the caller's interface waives ``{kinds}``, for the refusal line.
    """
    try:
        waived = capabilities.parse_kinds(allow_weaker)
    except capabilities.UnknownKind as exc:
        raise CourseError(str(exc)) from None
    lacking = capabilities.missing(waived)
    if lacking:
        raise StrictRefused(capabilities.refusal(lacking, waive))
    return waived


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


def summarize(sandboxes: Iterable[Sandbox], waived: Iterable[str] = ()) -> tuple[dict, str]:
    """The confinement section of a strict report, and a fault if a sandbox lacked a
    confinement nobody waived or outlived teardown.

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
    waived = list(waived)
    unwaived = [name for name in missing if name in capabilities.FACTS and name not in waived]
    fault = ""
    if unwaived:
        fault = "strict confinement did not hold and was not waived: " + "; ".join(
            f"{name} ({missing[name]})" for name in unwaived)
    left = sorted(pid for box in sandboxes for pid in box.survivors)
    if left:
        fault = fault or f"sandbox processes outlived teardown: {left}"
        in_force.pop("teardown", None)
        missing["teardown"] = f"sandbox processes outlived teardown: {left}"
    if not boxes:
        missing["sandbox"] = "no sandbox was started (no submitted file was graded)"
    return {"in_force": in_force, "not_available": missing, "waived": waived}, fault
