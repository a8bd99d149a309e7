"""The README's topic table, written from the manifest so a new topic needs no hand edit."""

from __future__ import annotations

from pathlib import Path

from torchdojo.course import Course

BEGIN = "<!-- topics: written from graders/manifest.toml by `torchdojo dev sync` -->"
END = "<!-- end of topics -->"


def topic_table(course: Course) -> str:
    rows = [f"| {number} | `{t.name}` | {t.practise or t.summary} |"
            for number, t in enumerate(course.topics, 1)]
    return "\n".join(["| # | topic | what you practise |", "|---|---|---|", *rows])


def synced(text: str, course: Course) -> str | None:
    """``text`` with its topic table rewritten; None when it has no table markers."""
    head, begin, rest = text.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        return None
    return f"{head}{BEGIN}\n{topic_table(course)}\n{END}{tail}"


def readme(course: Course) -> Path:
    return course.root / "README.md"


def sync(course: Course) -> Path | None:
    """Rewrite the README's topic table; the README's path when it changed."""
    path = readme(course)
    if not path.is_file():  # an installed course copy has no README
        return None
    text = path.read_text(encoding="utf-8")
    new = synced(text, course)
    if new is None or new == text:
        return None
    path.write_text(new, encoding="utf-8")
    return path


def problems(course: Course) -> list[str]:
    path = readme(course)
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    new = synced(text, course)
    if new is None:
        return [f"README.md has no topic table between {BEGIN} and {END}: put both markers "
                "where the table goes and run `torchdojo dev sync`"]
    if new != text:
        return ["README.md's topic table differs from graders/manifest.toml: run "
                "`torchdojo dev sync`"]
    return []
