"""Wording and numbers that every machine format shares, so they all tell the same story."""

from __future__ import annotations

from torchdojo.engine.report import CheckResult, Report, Status, TopicResult
from torchdojo.engine.sanitize import clip

LABELS = {
    Status.PASSED: "Passed",
    Status.FAILED: "Failed",
    Status.ERROR: "Error",
    Status.TIMEOUT: "Timeout",
    Status.NOT_ATTEMPTED: "Not attempted",
    Status.SKIPPED: "Skipped",
}

FAULT_FOR_LEARNER = ("The grader itself failed, so this submission has no grade yet. This is not "
                     "a problem with your code: tell your instructor, who can see the details.")


def number(x: float) -> float | int:
    """Points as JSON numbers: whole numbers stay integers."""
    return int(x) if float(x).is_integer() else round(float(x), 4)


def check_id(topic: TopicResult, check: CheckResult) -> str:
    return f"{topic.name}.{check.name}"


def check_text(check: CheckResult) -> str:
    """The teaching message of one check, led by its status in words."""
    if check.status is Status.PASSED:
        return f"Passed ({check.concept})." if check.concept else "Passed."
    message = check.message.strip()
    label = LABELS[check.status]
    if not message.lower().startswith(label.lower()):
        message = f"{label}: {message}" if message else label
    return "\n".join([message, *docs_lines(check)])


def docs_lines(check: CheckResult) -> list[str]:
    """The documentation pages a lesson links to, one line each (none when it names none)."""
    return [f"Docs: {page}" for page in check.docs]


def printed(topic: TopicResult, lines: int, chars: int) -> tuple[str, int]:
    """The start of what the learner's code printed, at most ``lines`` lines and ``chars``
    characters, and how many bytes of all it printed that leaves out."""
    text = topic.output.rstrip()
    head = "\n".join(text.splitlines()[:lines])[:chars]
    if head == text:
        return text, 0
    total = max(topic.output_bytes, len(topic.output.encode("utf-8", "replace")))
    return head, max(total - len(head.encode("utf-8", "replace")), 0)




def summary(report: Report) -> str:
    """A few lines for the top of a results page: score, counts, tier, seed, topic errors."""
    counts = ", ".join(f"{report.count(s)} {s.value.replace('_', ' ')}" for s in Status
                       if report.count(s))
    tier = ("Strict grading (authoritative)" if report.tier == "strict"
            else "Local grading (advisory)")
    lines = [f"torchdojo: {number(report.score)}/{number(report.max_score)} points"
             f" ({counts or 'no checks'}). {tier}, seed {report.seed}."]
    skipped = report.count(Status.SKIPPED)
    if skipped:
        lines.append(f"{skipped} check(s) were skipped (they need hardware this grader lacks) and "
                     "are not counted as passed.")
    lines += report.notes
    lines += [f"{t.name}: {t.error}" for t in report.topics if t.error]
    return "\n".join(lines)


def topic_output(topic: TopicResult, limit: int) -> str:
    """What the learner's code printed, labelled as feedback and clipped."""
    if not topic.output.strip():
        return ""
    return clip(f"Your {topic.name} code printed (feedback only):\n{topic.output}", limit)
