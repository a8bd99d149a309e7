"""Course CI: the Gradescope autograder bundle and runner, and the GitHub Actions workflow."""

from __future__ import annotations

import importlib.util


def strict_available() -> bool:
    """Whether this build has the confined (authoritative) sandbox."""
    return importlib.util.find_spec("torchdojo.sandbox.limits") is not None
