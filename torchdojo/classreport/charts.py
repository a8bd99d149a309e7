"""The class report's charts, drawn by matplotlib as SVG to embed in the page.

Each chart is an ``<svg>`` element: text stays text (``svg.fonttype: none``, shown in the
reader's system fonts), ids are salted per chart so two charts in one page never share one,
and nothing in it loads or runs anything. Only numbers and course names (topic and check
names, checked by the reader to be plain identifiers) are drawn: never learner text.
"""

from __future__ import annotations

import io
import math
import re

from torchdojo.classreport.stats import ClassStats, band
from torchdojo.reporters.curves import ensure_plotting

WIDTH = 7.5  # inches; the page scales the drawing to its column
BLUE, ORANGE, RED, GREEN, GREY = "#1f77b4", "#ff7f0e", "#d62728", "#2ca02c", "#7f7f7f"
BAND_COLOURS = {"good": GREEN, "fair": BLUE, "poor": ORANGE, "negative": RED}
_REFERENCE = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def all_charts(stats: ClassStats) -> dict[str, str]:
    """name -> ``<svg>`` markup for the charts that have something to show."""
    ensure_plotting()
    charts = {}
    if stats.distribution.count:
        charts["distribution"] = distribution_svg(stats)
    if stats.topics:
        charts["topics"] = topics_svg(stats)
    if any(c.discrimination is not None for c in stats.checks):
        charts["checks"] = checks_svg(stats)
    return charts


def distribution_svg(stats: ClassStats) -> str:
    counts = stats.distribution.histogram()
    figure, axes = _figure(2.8)
    lefts = [10 * i for i in range(len(counts))]
    axes.bar(lefts, counts, width=10, align="edge", color=BLUE, edgecolor="white")
    for left, count in zip(lefts, counts, strict=True):
        if count:
            axes.annotate(str(count), (left + 5, count), ha="center", va="bottom", fontsize=8)
    summary = stats.distribution.summary()
    axes.axvline(summary["mean"], color=ORANGE, linewidth=1.5,
                 label=f"mean {summary['mean']:.1f}%")
    axes.axvline(summary["median"], color=GREY, linewidth=1.5, linestyle="--",
                 label=f"median {summary['median']:.1f}%")
    axes.set_xlim(0, 100)
    axes.set_xticks(range(0, 101, 10))
    axes.set_ylim(0, max(counts) * 1.15 + 0.5)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_xlabel("score (% of the points)")
    axes.set_ylabel("learners")
    axes.set_title(f"Score distribution ({stats.learners} learners)")
    axes.legend(loc="upper left", frameon=False, fontsize=8)
    return _svg(figure, "distribution")


def topics_svg(stats: ClassStats) -> str:
    topics = list(reversed(stats.topics))  # the first topic on top
    figure, axes = _figure(0.9 + 0.32 * len(topics))
    means = [t.mean_percent for t in topics]
    bars = axes.barh([t.name for t in topics], means, color=BLUE, height=0.6)
    for bar, topic in zip(bars, topics, strict=True):
        axes.annotate(f"{topic.mean_percent:.0f}%  ({topic.mean:.3g}/{topic.max_score:g})",
                      (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                      xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    axes.set_xlim(0, 118)
    axes.set_xticks(range(0, 101, 20))
    axes.set_xlabel("mean score (% of the topic's points)")
    axes.set_title("Mean score per topic")
    return _svg(figure, "topics")


def checks_svg(stats: ClassStats) -> str:
    """Each check at (pass rate, discrimination); the checks to look at are named."""
    figure, axes = _figure(3.6)
    axes.axhspan(0.3, 1.05, color=GREEN, alpha=0.07, linewidth=0)
    axes.axhline(0, color=RED, linewidth=0.8)
    drawn = [c for c in stats.checks if c.discrimination is not None]
    for check in drawn:
        x, y = 100 * check.pass_rate, check.discrimination
        axes.scatter([x], [y], s=28, color=BAND_COLOURS[band(y)], zorder=3)
        if y < 0.2 or x < 20:
            axes.annotate(check.id, (x, y), xytext=(4, 3), textcoords="offset points",
                          fontsize=7, color="#333333")
    axes.set_xlim(-2, 102)
    low = min(c.discrimination for c in drawn)
    axes.set_ylim(min(-0.2, math.floor(low * 10) / 10 - 0.05), 1.05)
    axes.set_xlabel("pass rate (% of the learners graded on it)")
    axes.set_ylabel("discrimination")
    axes.set_title("Checks: pass rate and discrimination (green band: 0.3 and above)")
    return _svg(figure, "checks")


def _figure(height: float):
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, height), dpi=72)
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="both", alpha=0.25)
    return figure, axes


def _svg(figure, salt: str) -> str:
    import matplotlib

    figure.tight_layout()
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"torchdojo-{salt}"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]  # no XML declaration or doctype inside HTML
    # matplotlib numbers its elements per drawing (figure_1, axes_1, ...): prefix every id and
    # every reference to one, so that ids stay unique in a page of several charts
    return _REFERENCE.sub(lambda m: f"{m[1]}{salt}-{m[2]}", text)
