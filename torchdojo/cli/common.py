"""What every command shares: one-line errors, the course, paths shown relative to here."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from torchdojo import course as course_mod
from torchdojo.course import Course, CourseError


class Failure(click.ClickException):
    """A user-facing error: one line, exit status 2."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message


def friendly(fn: Callable) -> Callable:
    """Turn known problems into one-line errors; never show a traceback for a user's mistake."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CourseError as exc:
            raise Failure(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise Failure("interrupted") from None
        except Exception as exc:
            if os.environ.get("TORCHDOJO_DEBUG"):
                raise
            raise Failure(f"internal error: {type(exc).__name__}: {exc} "
                          "(set TORCHDOJO_DEBUG=1 for the traceback)") from None

    return wrapper


def load_course() -> Course:
    return course_mod.load()


def require_plotting() -> None:
    """Stop with one line, before any grading, when matplotlib is missing."""
    from torchdojo.reporters import curves

    try:
        curves.ensure_plotting()
    except curves.PlotUnavailable as exc:
        raise click.ClickException(str(exc)) from None


def shown(path: Path) -> str:
    """A path relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
