"""The report for a person: one line per check, the lesson under each failure, what the
learner's code printed or warned, a total, and (for a learner's own exercises) where to go next.

Everything is printed as rich ``Text``, never as markup, and learner text goes through
``sanitize.text``: what a submission wrote can neither style nor drive the terminal.
"""

from __future__ import annotations

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from torchdojo.engine.report import CheckResult, Report, Status, TopicResult
from torchdojo.engine.sanitize import text as shown
from torchdojo.reporters.common import docs_lines, printed
from torchdojo.reporters.curves import curves_of, sparkline_text

OUTPUT_LINES = 20  # of what the learner's code printed, per topic
OUTPUT_CHARS = 2000

MARKS = {
    Status.PASSED: ("✓", "green"),
    Status.FAILED: ("✗", "red"),
    Status.ERROR: ("!", "red"),
    Status.TIMEOUT: ("⏱", "yellow"),
    Status.NOT_ATTEMPTED: ("·", "dim"),
    Status.SKIPPED: ("-", "cyan"),
}


def render(report: Report, console: Console, exercises: str | None = None) -> None:
    """``exercises``: the folder of the learner's own files, when they were graded; the report
    then ends by saying which file and check to work on next."""
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
    step = next_step(report, exercises) if exercises is not None else None
    if step is not None:
        console.print(step)


def _banner(report: Report) -> Text:
    tier = ("strict grading (authoritative)" if report.tier == "strict"
            else "local grading (advisory: only a course's strict grading is authoritative)")
    return Text.assemble(("torchdojo", "bold"), f" · {tier} · seed {report.seed}")


def _confinement(confinement: dict) -> Text:
    held = confinement.get("in_force") or {}
    text = Text("In force: " + (", ".join(held) or "nothing"), style="dim")
    for name, why in (confinement.get("not_available") or {}).items():
        text.append(f"\nNot available: {name} ({why})", style="yellow")
    waived = confinement.get("waived") or []
    if waived:
        text.append(f"\nWaived by the caller (--allow-weaker): {', '.join(waived)}",
                    style="yellow")
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
    _learner_output(topic, console)


def _learner_output(topic: TopicResult, console: Console) -> None:
    """What the code printed and warned: feedback, never part of the verdict. Plain text."""
    if topic.output.strip():
        head, cut = printed(topic, OUTPUT_LINES, OUTPUT_CHARS)
        more = f"; {cut:,} more bytes not shown" if cut else ""
        console.print(Text(f"  your code printed (feedback only{more}):", style="dim"))
        console.print(Padding(Text(shown(head)), (0, 0, 0, 4), expand=False))
    if topic.warnings:
        console.print(Text("  your code warned:", style="dim"))
        console.print(Padding(Text("\n".join(shown(w) for w in topic.warnings)), (0, 0, 0, 4),
                              expand=False))


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
        for line in docs_lines(check):
            console.print(Padding(Text(line, style="dim"), (0, 0, 0, 11), expand=False))
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


def next_step(report: Report, exercises: str) -> Text | None:
    """Where to work next: the first topic not complete, and its first check not passed."""
    if report.fault:
        return None
    topic = next((t for t in report.topics if not t.complete and t.graded), None)
    if topic is None:
        return None
    file = f"{exercises}/{topic.name}.py"
    lead = "Start here" if report.score == 0 else "Next"
    watch = f"`torchdojo watch {topic.name}` re-grades it on every save"
    if topic.error:
        return Text.assemble((f"{lead}: ", "bold"), f"make {file} import (the error is "
                             f"above); {watch}.")
    check = next(c for c in topic.graded if not c.passed)
    return Text.assemble((f"{lead}: ", "bold"), (f"{topic.name} · {check.name}", "bold"),
                         f" in {file}. {watch}; `torchdojo hint {topic.name}` gives a hint.")


def _pts(x: float) -> str:
    return f"{x:g}"
