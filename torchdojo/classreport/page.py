"""The class report as one self-contained HTML page.

Everything is in the file: the style sheet inline, the charts as inline SVG, the system's own
fonts, no script and nothing fetched (a Content-Security-Policy says so to the browser, which
then refuses anything else). Every string that came from a report (learner ids, messages,
reasons, file names) is escaped: those are a learner's words, and a learner may write HTML.
Numeric cells carry their exact value in ``data-value`` for anyone who reads the page back.
"""

from __future__ import annotations

from html import escape

from torchdojo.classreport.stats import CheckStat, ClassStats, band

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body { font-family: system-ui, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif;
       margin: 0; color: #1b1f24; background: #f6f7f9; line-height: 1.45; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { margin: 0 0 4px; font-size: 1.7em; }
h2 { margin-top: 2em; border-bottom: 1px solid #d8dde3; padding-bottom: 4px; }
.lead { color: #57606a; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0; }
.card { border: 1px solid #d8dde3; border-radius: 8px; padding: 10px 16px; min-width: 120px; }
.card b { display: block; font-size: 1.5em; }
.card span { color: #57606a; font-size: 0.9em; }
figure { margin: 12px 0; }
figure svg { width: 100%; height: auto; }
figcaption { color: #57606a; font-size: 0.9em; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; margin: 10px 0; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e4e7eb;
         vertical-align: top; }
th { background: #f0f2f5; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.msg { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85em;
         white-space: pre-wrap; word-break: break-word; }
.good { color: #1a7f37; } .fair { color: #0969da; } .poor { color: #bc4c00; }
.negative { color: #cf222e; font-weight: bold; } .na { color: #8c959f; }
.none { color: #57606a; font-style: italic; }
"""


def render(stats: ClassStats, charts: dict[str, str]) -> str:
    parts = [_head(), "<body>\n<main>", _intro(stats), _summary(stats),
             _distribution(stats, charts.get("distribution")),
             _topics(stats, charts.get("topics")), _checks(stats, charts.get("checks")),
             _attention(stats), _notes(), "</main>\n</body>\n</html>\n"]
    return "\n".join(parts)


def _head() -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>torchdojo class report</title>\n<style>{STYLE}</style>\n</head>")


def _intro(stats: ClassStats) -> str:
    seeds = ", ".join(str(s) for s in stats.seeds) or "none"
    tier = (f"{stats.advisory} of them graded locally (advisory)" if stats.advisory
            else "all graded strictly" if stats.learners else "")
    return (f"<h1>torchdojo class report</h1>\n"
            f'<p class="lead">Built from the reports in <code>{escape(stats.folder)}</code>: '
            f"{stats.learners} learners with a grade{'; ' + tier if tier else ''}; "
            f"seed {escape(seeds)}.{_ungraded(stats)}</p>")


def _ungraded(stats: ClassStats) -> str:
    if not stats.ungraded:
        return ""
    return (f' <span id="ungraded">Also {escape(stats.ungraded)}: they are in no figure on '
            "this page (no grade is not a zero) and are listed with the learners that need a "
            "look.</span>")


def _summary(stats: ClassStats) -> str:
    numbers = stats.distribution.summary()
    cards = [("learners graded", str(stats.learners)),
             ("need a look", str(len({a.learner for a in stats.attention})))]
    cards += [(name, f"{numbers[key]:.1f}%") for key, name in
              (("mean", "mean score"), ("median", "median"), ("sd", "standard deviation"),
               ("min", "lowest"), ("max", "highest")) if key in numbers]
    body = "".join(f'<div class="card"><b>{value}</b><span>{label}</span></div>'
                   for label, value in cards)
    return f'<section id="summary"><div class="cards">{body}</div></section>'


def _figure(svg: str | None, caption: str) -> str:
    if svg is None:
        return '<p class="none">Nothing to draw yet.</p>'
    return f'<figure role="img" aria-label="{escape(caption)}">{svg}' \
           f"<figcaption>{escape(caption)}</figcaption></figure>"


def _distribution(stats: ClassStats, svg: str | None) -> str:
    counts = stats.distribution.histogram()
    rows = "".join(f'<tr><td>{10 * i}–{10 * i + 10}%</td><td class="num" data-value="{n}">'
                   f"{n}</td></tr>" for i, n in enumerate(counts))
    return (f'<section id="distribution"><h2>Score distribution</h2>'
            f"{_figure(svg, 'Learners by score, in bands of 10% of the points.')}"
            f'<table id="distribution-table"><tr><th>score</th><th class="num">learners</th>'
            f"</tr>{rows}</table></section>")


def _topics(stats: ClassStats, svg: str | None) -> str:
    rows = "".join(
        f"<tr><td>{escape(t.name)}</td><td>{escape(t.title)}</td>"
        f'<td class="num" data-value="{t.learners}">{t.learners}</td>'
        f'<td class="num" data-value="{t.mean!r}">{t.mean:.2f}</td>'
        f'<td class="num" data-value="{t.max_score!r}">{t.max_score:g}</td>'
        f'<td class="num" data-value="{t.mean_percent!r}">{t.mean_percent:.1f}%</td></tr>'
        for t in stats.topics)
    return (f'<section id="topics"><h2>Topics</h2>'
            f"{_figure(svg, 'Mean score of each topic, as a share of its points.')}"
            '<table id="topics-table"><tr><th>topic</th><th>title</th><th class="num">'
            'learners</th><th class="num">mean points</th><th class="num">of</th>'
            f'<th class="num">mean</th></tr>{rows}</table></section>')


def _checks(stats: ClassStats, svg: str | None) -> str:
    rows = "".join(_check_row(c) for c in stats.checks)
    return (f'<section id="checks"><h2>Checks</h2>'
            f"{_figure(svg, 'Each check by its pass rate and its discrimination; checks with a discrimination below 0.2 or a pass rate below 20% are named.')}"  # noqa: E501
            '<table id="checks-table"><tr><th>check</th><th class="num">points</th>'
            '<th class="num">graded</th><th class="num">pass rate</th>'
            '<th class="num">not attempted</th><th class="num">discrimination</th>'
            f"<th>most common failures</th></tr>{rows}</table></section>")


def _check_row(check: CheckStat) -> str:
    rate = check.pass_rate
    shown = "n/a" if rate is None else f"{100 * rate:.0f}%"
    value = check.discrimination
    quality = band(value)
    number = "n/a" if value is None else f"{value:+.2f}"
    failures = "".join(f"<div>{failure.count} × {escape(failure.message)}</div>"
                       for failure in check.failures) or '<span class="none">none</span>'
    skipped = f" ({check.skipped} skipped)" if check.skipped else ""
    return (f"<tr><td>{escape(check.id)}</td>"
            f'<td class="num" data-value="{check.points!r}">{check.points:g}</td>'
            f'<td class="num" data-value="{check.graded}">{check.graded}{skipped}</td>'
            f'<td class="num" data-value="{"" if rate is None else repr(rate)}">{shown}</td>'
            f'<td class="num" data-value="{check.not_attempted}">{check.not_attempted}</td>'
            f'<td class="num {"na" if value is None else quality}" '
            f'data-value="{"" if value is None else repr(value)}">{number} {quality}</td>'
            f'<td class="msg">{failures}</td></tr>')


def _attention(stats: ClassStats) -> str:
    if not stats.attention:
        return ('<section id="attention"><h2>Learners that need a look</h2>'
                '<p class="none">None: every learner has a grade, every report could be '
                "used and no notebook was flagged.</p></section>")
    rows = "".join(f"<tr><td>{escape(a.learner)}</td><td>{escape(a.reason)}</td></tr>"
                   for a in stats.attention)
    return ('<section id="attention"><h2>Learners that need a look</h2>'
            "<p>Learners without a grade (not graded yet, or to regrade), notebooks flagged "
            "for a look, and "
            "report files that could not be used (named in brackets; they are in no figure "
            "above: regrade those learners, or find out who changed the file).</p>"
            '<table id="attention-table"><tr><th>learner</th><th>why</th></tr>'
            f"{rows}</table></section>")


def _notes() -> str:
    return """<section id="notes"><h2>How to read this</h2>
<p><b>Pass rate</b>: the share of the learners graded on a check who passed it. A check
skipped for hardware the grading machine lacked is not counted for that learner.</p>
<p><b>Discrimination</b>: the point-biserial correlation between passing the check and the
learner's score on everything else (the total minus this check's points). Near +1 the check
separates strong from weak learners; near 0 it tells nothing about them; below 0 weaker
learners pass it more often than stronger ones, and the check or its exercise needs a look.
Bands: 0.3 and above good, 0.2 to 0.3 fair, below 0.2 poor. It is n/a with fewer than three
learners, or when all passed or all failed.</p>
<p><b>Most common failures</b>: the first line of the learners' messages, grouped with their
numbers set aside, with how many learners got each.</p>
</section>"""
