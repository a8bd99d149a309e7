"""Wording and numbers that every machine format shares, so they all tell the same story."""

from __future__ import annotations

from torchdojo.engine.report import CheckResult, Report, Status, TopicResult

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
    if message.lower().startswith(label.lower()):
        return message
    return f"{label}: {message}" if message else label


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters; a cut text says how much was left out."""
    if len(text) <= limit:
        return text
    for keep in range(limit, -1, -1):
        note = f"\n... (truncated: {len(text) - keep} more characters)"
        if keep + len(note) <= limit:
            return text[:keep] + note
    return text[:limit]


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
