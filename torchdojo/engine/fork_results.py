"""The grading side of learner work a probe ran in a fork (``torchdojo.sandbox.forks``).

A probe returns ``Fork.result()`` as data; a check reads it with ``fork_value``, which gives
what the fork's function returned or raises the problem that stopped it, as the plugin
expects of any learner call: what the learner's code raised, a timeout at the fork's
deadline, or a crash.
"""

from __future__ import annotations

import re
from typing import Any

from torchdojo.sandbox.host import BadReply, SandboxCrashed, SandboxTimeout, learner_problem


def fork_value(found: Any, learner: Any, label: str, deadline: float) -> Any:
    """What ``label`` (the work, as messages name it) returned in its fork, or raise why not.
    ``deadline`` is the fork's, in seconds."""
    learner.last_call = label
    if not isinstance(found, dict):
        raise SandboxCrashed(f"the record of {label} is malformed")
    if "value" in found:
        return found["value"]
    if "error" in found:
        raise learner_problem(found["error"], label)
    if "unreadable" in found:
        raise BadReply(f"{label} returned a value the grader cannot read: "
                       f"{last_line(found['unreadable'])}")
    if found.get("lost") == "killed":
        raise SandboxTimeout(f"{label} was still running after {deadline:g} s and was stopped")
    said = last_line(found.get("output"), last=True)
    raise SandboxCrashed(f"the process running {label} {ended(found.get('lost'))}"
                         + (f" (its last words: {said})" if said else ""))


def ended(exit: object) -> str:
    """How a process ended, from its fate ("ok", "exit 3", "SIGSEGV"), as words."""
    text = str(exit)
    if text == "ok":
        return "exited (status 0, before its function returned)"
    if text.startswith("exit "):
        return f"exited with status {text[5:]}"
    return f"was killed by {text}"


def last_line(text: object, last: bool = False, strip: re.Pattern | None = None) -> str:
    """The first (or last) non-blank line of ``text``, cut to 200 characters."""
    lines = [line for line in str(text or "").splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[-1] if last else lines[0]
    line = strip.sub("", line) if strip else line
    return line if len(line) <= 200 else line[:197] + "..."
