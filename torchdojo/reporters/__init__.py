"""Reporters: plain functions of a ``Report``. Each machine format lives in its own module and
exposes ``render(report) -> str``; ``text`` renders to a rich console for people."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from torchdojo.engine.report import Report

MACHINE_FORMATS = ("json", "junit", "gradescope", "exercism")
FORMATS = ("text", *MACHINE_FORMATS)


def renderer(fmt: str) -> Callable[[Report], str]:
    """The ``render`` function of a machine format (``json``, ``junit``, ...)."""
    if fmt not in MACHINE_FORMATS:
        raise ValueError(f"unknown format {fmt!r} (formats: {', '.join(MACHINE_FORMATS)})")
    return importlib.import_module(f"torchdojo.reporters.{fmt}").render
