"""Derive a learner stub from a reference solution: solution regions become ``raise``.

A reference marks what the learner writes between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` (nbgrader's markers, so the notebooks use the same source). The stub keeps
everything else, docstrings included, so the two can never drift.
"""

from __future__ import annotations

import re

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")

_MARKER = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>### (BEGIN|END) SOLUTION)[ \t]*$")


class StubError(ValueError):
    pass


def derive(reference: str) -> str:
    """The stub text for a reference's text."""
    out: list[str] = []
    inside = False
    for number, line in enumerate(reference.splitlines(keepends=True), 1):
        match = _MARKER.match(line.rstrip("\n"))
        if match and match["marker"] == BEGIN:
            if inside:
                raise StubError(f"line {number}: {BEGIN} inside a solution region")
            inside = True
            out.extend(f"{match['indent']}{text}\n" for text in STUB)
        elif match and match["marker"] == END:
            if not inside:
                raise StubError(f"line {number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise StubError(f"{BEGIN} is never closed")
    return "".join(out)


def regions(reference: str) -> list[str]:
    """The text of every solution region, in order."""
    found: list[str] = []
    current: list[str] | None = None
    for line in reference.splitlines(keepends=True):
        match = _MARKER.match(line.rstrip("\n"))
        if match and match["marker"] == BEGIN:
            current = []
        elif match and match["marker"] == END and current is not None:
            found.append("".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return found
