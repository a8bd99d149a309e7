"""Loss curves a check recorded: the learner's beside the reference's, as sparklines or a PNG.

A check that trains something keeps ``record["loss_curve"]`` (the learner's losses, step by
step) and ``record["reference_loss_curve"]`` in its data. Both are drawn on one scale, so a
curve that falls more slowly, stalls or diverges shows at a glance. Values that are not finite
numbers (a loss that became NaN) are drawn as ``!``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text

from torchdojo.engine.report import CheckResult, Report

SPARKS = "▁▂▃▄▅▆▇█"
ASCII_SPARKS = "_.-:=+*#"  # for terminals that cannot show block characters
NOT_FINITE = "!"
WIDTH = 40
LOG_RATIO = 100  # curves spanning more than this factor are drawn on a log scale
INSTALL_HINT = "--plot needs matplotlib, which is not installed: pip install 'torchdojo[plot]'"


class PlotUnavailable(Exception):
    """matplotlib (the ``plot`` extra) is missing."""


@dataclass(frozen=True)
class Curves:
    check: str
    learner: list[float]
    reference: list[float]


def curves_of(check: CheckResult) -> Curves | None:
    """The loss curves a check recorded, or None when it recorded none."""
    data = check.data if isinstance(check.data, dict) else {}
    learner = _numbers(data.get("loss_curve"))
    reference = _numbers(data.get("reference_loss_curve"))
    if not learner and not reference:
        return None
    return Curves(check.name, learner, reference)


def _numbers(value: object) -> list[float]:
    """A recorded curve as floats; anything that is not a real number becomes NaN."""
    if not isinstance(value, (list, tuple)):
        return []
    return [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else math.nan
            for v in value]


# ----------------------------------------------------------------------------- sparklines


def resample(values: list[float], width: int = WIDTH) -> list[float]:
    """At most ``width`` points: the mean of each bucket (NaN if any value in it is NaN)."""
    if len(values) <= width:
        return list(values)
    out = []
    for i in range(width):
        bucket = values[i * len(values) // width:(i + 1) * len(values) // width]
        out.append(math.fsum(bucket) / len(bucket) if all(map(math.isfinite, bucket))
                   else math.nan)
    return out


def scale(*curves: list[float]) -> tuple[float, float, bool]:
    """A shared (low, high, log) for the curves' finite values."""
    finite = [v for curve in curves for v in curve if math.isfinite(v)]
    if not finite:
        return 0.0, 0.0, False
    low, high = min(finite), max(finite)
    log = low > 0 and high / low > LOG_RATIO
    return (math.log10(low), math.log10(high), True) if log else (low, high, False)


def sparkline(values: list[float], low: float, high: float, log: bool = False,
              ramp: str = SPARKS) -> str:
    """One character per value, its height placed between ``low`` and ``high``."""
    chars = []
    for value in values:
        if not math.isfinite(value) or (log and value <= 0):
            chars.append(NOT_FINITE)
            continue
        y = math.log10(value) if log else value
        level = 0.5 if high == low else (y - low) / (high - low)
        chars.append(ramp[min(len(ramp) - 1, max(0, round(level * (len(ramp) - 1))))])
    return "".join(chars)


def can_draw_blocks(encoding: str | None) -> bool:
    try:
        SPARKS.encode(encoding or "ascii")
    except (LookupError, UnicodeEncodeError):
        return False
    return True


def sparkline_text(curves: Curves, encoding: str | None = "utf-8", width: int = WIDTH) -> Text:
    """Two labelled lines: the learner's curve over the reference's, on one scale."""
    learner, reference = resample(curves.learner, width), resample(curves.reference, width)
    low, high, log = scale(learner, reference)
    ramp = SPARKS if can_draw_blocks(encoding) else ASCII_SPARKS
    text = Text()
    rows = [("yours", curves.learner, learner, "yellow"),
            ("reference", curves.reference, reference, "cyan")]
    for number, (label, full, drawn, style) in enumerate(rows):
        head = "loss curve" if number == 0 else ""
        text.append(f"{head:<11}{label:<10} ", style="dim")
        if not full:
            text.append("(not recorded)", style="dim")
        else:
            text.append(sparkline(drawn, low, high, log, ramp).ljust(width), style=style)
            text.append(f"  {_ends(full)}", style="dim")
        if number == 0:
            text.append("\n")
    if log:
        text.append("  (log scale)", style="dim")
    return text


def _ends(values: list[float]) -> str:
    steps = f"{len(values)} step{'s' * (len(values) != 1)}"
    return f"{_short(values[0])} → {_short(values[-1])} ({steps})"


def _short(value: float) -> str:
    return f"{value:.3g}" if math.isfinite(value) else str(value)


# ----------------------------------------------------------------------------- PNG files


def ensure_plotting() -> None:
    """Raise ``PlotUnavailable`` with an install hint unless matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PlotUnavailable(INSTALL_HINT) from None


def plot_png(curves: Curves, title: str, path: Path) -> Path:
    """Draw both curves into a PNG file (no display needed) and return its path."""
    ensure_plotting()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if curves.reference:
        axes.plot(range(1, len(curves.reference) + 1), curves.reference, label="reference",
                  color="tab:blue", linewidth=1.5)
    if curves.learner:
        axes.plot(range(1, len(curves.learner) + 1), curves.learner, label="yours",
                  color="tab:orange", linewidth=1.5)
    if scale(curves.learner, curves.reference)[2]:
        axes.set_yscale("log")
    axes.set_title(title)
    axes.set_xlabel("step")
    axes.set_ylabel("loss")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    return path


def write_plots(report: Report, folder: Path) -> list[Path]:
    """One PNG per check that recorded loss curves, named ``<topic>.<check>.png``."""
    written = []
    for topic in report.topics:
        for check in topic.checks:
            curves = curves_of(check)
            if curves is not None:
                path = folder / f"{topic.name}.{check.name}.png"
                written.append(plot_png(curves, f"{topic.name} · {check.name}", path))
    return written
