"""The report for a person: one line per check, the lesson under each failure, a total last.

Everything is printed as rich ``Text``, never as markup, and learner text goes through
``sanitize.text``: what a submission wrote can neither style nor drive the terminal.
"""

from __future__ import annotations

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from torchdojo.engine.report import CheckResult, Report, Status, TopicResult
from torchdojo.engine.sanitize import text as shown
from torchdojo.reporters.curves import curves_of, sparkline_text

MARKS = {
    Status.PASSED: ("✓", "green"),
    Status.FAILED: ("✗", "red"),
    Status.ERROR: ("!", "red"),
    Status.TIMEOUT: ("⏱", "yellow"),
    Status.NOT_ATTEMPTED: ("·", "dim"),
    Status.SKIPPED: ("-", "cyan"),
}


def render(report: Report, console: Console) -> None:
    console.print(_banner(report))
    if report.tier == "strict":
        console.print(_confinement(report.confinement))
    for note in report.notes:
        console.print(Text(f"! {shown(note)}", style="yellow"))
    for topic in report.topics:
        console.print()
        _topic(topic, console)
    console.print()
    console.print(_total(report))


def _banner(report: Report) -> Text:
    tier = ("strict grading (authoritative)" if report.tier == "strict"
            else "local grading (advisory: only a course's strict grading is authoritative)")
    return Text.assemble(("torchdojo", "bold"), f" · {tier} · seed {report.seed}")


def _confinement(confinement: dict) -> Text:
    held = confinement.get("in_force") or {}
    text = Text("In force: " + (", ".join(held) or "nothing"), style="dim")
    for name, why in (confinement.get("not_available") or {}).items():
        text.append(f"\nNot available: {name} ({why})", style="yellow")
    return text


def _topic(topic: TopicResult, console: Console) -> None:
    head = Text.assemble((topic.name, "bold"), f" · {topic.title}")
    score = f"{_pts(topic.score)}/{_pts(topic.max_score)}"
    console.print(Text.assemble(head, " ", (score, "bold green" if topic.complete else "bold")))
    if topic.error:
        console.print(Padding(Text(f"! {shown(topic.error)}", style="red"), (0, 0, 0, 2),
                              expand=False))
    for check in topic.checks:
        _check(check, console)


def _check(check: CheckResult, console: Console) -> None:
    mark, style = MARKS[check.status]
    points = f"{_pts(check.score)}/{_pts(check.max_score)}"
    line = Text.assemble("  ", (mark, style), f" {points:>5}  ", check.name)
    if check.status in (Status.NOT_ATTEMPTED, Status.SKIPPED):
        line.append(f"  {shown(check.message)}", style="dim")
        console.print(line)
        return
    console.print(line)
    if check.message and check.status is not Status.PASSED:
        first, _, rest = shown(check.message).partition("\n")
        console.print(Padding(Text(first, style=style), (0, 0, 0, 11), expand=False))
        if rest:
            console.print(Padding(Text(rest), (0, 0, 0, 11), expand=False))
    curves = curves_of(check)
    if curves is not None:
        console.print(Padding(sparkline_text(curves, console.encoding), (0, 0, 0, 11),
                              expand=False))


def _total(report: Report) -> Text:
    if report.fault:
        return Text(f"Grader fault: {shown(report.fault)}", style="bold red")
    counts = [(report.count(s), s) for s in Status]
    parts = [f"{n} {s.value.replace('_', ' ')}" for n, s in counts if n]
    skipped = report.count(Status.SKIPPED)
    text = Text.assemble(("Total ", "bold"),
                         (f"{_pts(report.score)}/{_pts(report.max_score)} points", "bold"),
                         " · " + " · ".join(parts))
    if skipped:
        text.append(f"\n{skipped} check(s) skipped: they need hardware this machine lacks and "
                    "are not counted.", style="cyan")
    elif report.exit_code == 0:
        text.append("\nEvery check passed.", style="bold green")
    text.append(f"\nReplay this run with --seed {report.seed}.", style="dim")
    return text


def _pts(x: float) -> str:
    return f"{x:g}"
