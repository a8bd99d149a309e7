"""torchdojo as an nbgrader course: notebooks generated from the single sources, graded by the
engine from outside any kernel. ``check`` is what a notebook's test cells run."""

from typing import Any

__all__ = ["check"]


def __getattr__(name: str) -> Any:
    # Lazy, so `torchdojo nbgrader ...` starts without importing torch.
    if name == "check":
        from torchdojo.notebooks.kernel import check

        return check
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
