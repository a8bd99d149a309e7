"""The class report as plain text, for a terminal or a CI log.

Learner text (ids, messages, reasons) is shown with every control and format character
spelled out, so a learner's id cannot move the cursor, recolour the terminal or reorder the
line (bidirectional overrides).
"""

from __future__ import annotations

import unicodedata

from torchdojo.classreport.stats import ClassStats, band

BAR = 30  # characters of the longest histogram bar


def printable(text: str) -> str:
    """``text`` on one line, with control (newlines too), format and unassigned characters
    as ``\\xNN``/``\\uNNNN``."""
    out = []
    for ch in text:
        if unicodedata.category(ch)[0] != "C":
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
                       if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def render(stats: ClassStats) -> str:
    lines = [f"torchdojo class report: {printable(stats.folder)}",
             f"{stats.learners} learners with a grade, {len({a.learner for a in stats.attention})}"
             f" need a look ({len(stats.rejected)} of them for a report not usable)"]
    if stats.ungraded:
        lines.append(f"{stats.ungraded}: in no figure below (no grade is not a zero)")
    if stats.advisory:
        lines.append(f"{stats.advisory} graded locally (advisory)")
    numbers = stats.distribution.summary()
    if numbers:
        lines.append("score: " + ", ".join(f"{name} {numbers[key]:.1f}%" for key, name in (
            ("mean", "mean"), ("median", "median"), ("sd", "sd"), ("min", "min"),
            ("max", "max"))))
        lines += ["", "Score distribution"] + _histogram(stats)
    if stats.topics:
        lines += ["", "Topics (mean score)"]
        width = max(len(t.name) for t in stats.topics)
        lines += [f"  {t.name:<{width}}  {t.mean_percent:5.1f}%  {t.mean:.2f}/{t.max_score:g}"
                  f"  ({t.learners} learners)" for t in stats.topics]
    if stats.checks:
        lines += ["", "Checks (pass rate, discrimination, most common failure)"]
        width = max(len(c.id) for c in stats.checks)
        for check in stats.checks:
            rate = "  n/a" if check.pass_rate is None else f"{100 * check.pass_rate:4.0f}%"
            value = check.discrimination
            number = "  n/a" if value is None else f"{value:+.2f}"
            line = f"  {check.id:<{width}}  {rate}  {number} {band(value):<8}"
            if check.failures:
                top = check.failures[0]
                line += f"  {top.count} × {printable(top.message)[:120]}"
            lines.append(line.rstrip())
    if stats.attention:
        lines += ["", "Learners that need a look"]
        lines += [f"  {printable(a.learner)}: {printable(a.reason)}" for a in stats.attention]
    return "\n".join(lines) + "\n"


def _histogram(stats: ClassStats) -> list[str]:
    counts = stats.distribution.histogram()
    scale = BAR / max(max(counts), 1)
    return [f"  {10 * i:3d}-{10 * i + 10:3d}%  {'#' * round(n * scale):<{BAR}}  {n}"
            for i, n in enumerate(counts)]
