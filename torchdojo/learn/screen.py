"""The watch screen: where the learner is, the one check to fix next, and what to press."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from torchdojo.engine.report import CheckResult, Status, TopicResult
from torchdojo.learn import hints, overview
from torchdojo.learn.session import WatchSession
from torchdojo.reporters.common import docs_lines, printed
from torchdojo.reporters.curves import curves_of, sparkline_text
from torchdojo.reporters.text import MARKS

OUTPUT_LINES = 6
OUTPUT_CHARS = 800


def render(session: WatchSession, *, encoding: str | None, single_keys: bool,
           note: str = "", plots: list[Path] | None = None) -> RenderableType:
    parts: list[RenderableType] = [_header(session), _course(session, encoding)]
    parts += [Text(f"✓ {f.topic.title} ({f.topic.name}) complete: {f.result.score:g}/"
                   f"{f.result.max_score:g} points.", style="bold green")
              for f in session.finished]
    if session.done:
        parts += [Text(""), _all_done()]
        return Group(*parts)
    if session.fault:
        parts += [Text(""), Text(f"Grader fault: {session.fault}", style="bold red")]
    if session.result is not None:
        parts += [Text(""), _checks(session.result), Text("")]
        parts += _focus(session, session.result, encoding, str(_relative(session)))
    parts += [Text(f"plot: {path}", style="dim") for path in plots or []]
    parts += [Text(""), _footer(session, single_keys, note)]
    return Group(*parts)


def _header(session: WatchSession) -> Text:
    text = Text.assemble(("torchdojo watch", "bold"))
    if session.topic is not None:
        text.append(f" · topic {session.number} of {len(session.course.topics)}: ")
        text.append(f"{session.topic.title} ({session.topic.name})", style="bold")
    return text


def _course(session: WatchSession, encoding: str | None) -> Text:
    return overview.course_line(overview.topics(session.course, session.progress), encoding)


def _checks(result: TopicResult) -> Text:
    """One mark per check, then the topic's score."""
    text = Text()
    for check in result.checks:
        mark, style = MARKS[check.status]
        text.append(mark, style=style)
    passed = result.count(Status.PASSED)
    text.append(f"  {passed} of {len(result.checks)} checks pass · "
                f"{result.score:g}/{result.max_score:g} points")
    return text


def _focus(session: WatchSession, result: TopicResult, encoding: str | None,
           filename: str) -> list[RenderableType]:
    """The one thing to work on next: the topic error, or the open check in focus."""
    parts: list[RenderableType] = []
    if result.error:
        parts += [Text(f"! {result.error}", style="bold red"),
                  Text(f"  Fix {filename} so it imports; the checks run once it does.")]
    check = session.focused()
    if check is not None and not result.error:
        parts.append(_check(check, filename, _place(session, check)))
        curves = curves_of(check)
        if curves is not None:
            parts.append(Padding(sparkline_text(curves, encoding), (0, 0, 0, 2)))
        parts += _hints_shown(session)
    if check is None and result.complete and session.pinned:
        parts.append(Text.assemble(
            (f"✓ Every check of {session.topic.name} passes.", "bold green"),
            " You chose to stay on this topic: save to re-grade, or run `torchdojo watch` "
            "to follow the course."))
    if result.output.strip():
        shown, cut = printed(result, OUTPUT_LINES, OUTPUT_CHARS)
        more = f" ({cut:,} more bytes not shown)" if cut else ""
        parts += [Text(""), Text(f"your code printed{more}:", style="dim"),
                  Padding(Text(shown), (0, 0, 0, 2))]
    if result.warnings:
        parts += [Text(""), Text("your code warned:", style="dim"),
                  Padding(Text("\n".join(result.warnings[:OUTPUT_LINES])), (0, 0, 0, 2))]
    return parts


def _place(session: WatchSession, check: CheckResult) -> str:
    """Which of the open checks this is, when there is more than one to move between."""
    open_ = session.open_checks()
    if len(open_) < 2:
        return ""
    return f"{open_.index(check) + 1} of {len(open_)} to fix · n/p: next/previous"


def _check(check: CheckResult, filename: str, place: str = "") -> Text:
    mark, style = MARKS[check.status]
    points = f"{check.max_score:g} point{'s' * (check.max_score != 1)}"
    text = Text.assemble((f"{mark} {check.name}", f"bold {style}"), f" ({points}) · ",
                         (check.concept, "italic"))
    if place:
        text.append(f"   [{place}]", style="dim")
    first, _, rest = check.message.partition("\n")
    text.append(f"\n  {first}", style=style if check.status is not Status.NOT_ATTEMPTED else "")
    for line in rest.splitlines():
        text.append(f"\n  {line}")
    if check.status is Status.NOT_ATTEMPTED:
        text.append(f"\n  Write it in {filename} and save.", style="dim")
    for line in docs_lines(check):
        text.append(f"\n  {line}", style="dim")
    return text


def _hints_shown(session: WatchSession) -> list[RenderableType]:
    check = session.target()
    if check is None:
        return []
    level = hints.shown(session.progress, session.topic.name, check)
    if not level:
        return []
    again = "Press h again for a stronger hint."
    return [Text(""), hints.render(session.topic.name, check, level, again)]


def _footer(session: WatchSession, single_keys: bool, note: str) -> Text:
    keys = ("Enter: re-grade · n/p: next/previous check to fix · h: hint · q: quit"
            if single_keys else "r, n, p, h or q then Enter: re-grade, next/previous check "
            "to fix, hint, quit")
    text = Text.assemble(("Save ", "dim"), (str(_relative(session)), "bold"),
                         (f" to re-grade · {keys}", "dim"))
    if session.runs:
        text.append(f"\ngraded in {session.seconds * 1000:.0f} ms (run {session.runs}, "
                    f"seed {session.seed})", style="dim")
    if note:
        text.append(f"\n{note}", style="yellow")
    return text


def _relative(session: WatchSession) -> Path:
    try:
        return session.file.relative_to(Path.cwd())
    except ValueError:
        return session.file


def _all_done() -> Text:
    return Text.assemble(
        ("Every topic is complete. Well done!", "bold green"),
        "\nSee your progress with `torchdojo list`, and compare your code with the reference "
        "with `torchdojo solution TOPIC`.")
