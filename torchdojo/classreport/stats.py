"""The numbers of a class report: the score distribution, per-topic means, and per check its
pass rate, its discrimination and its most common failures.

**Discrimination** is the point-biserial correlation between passing the check (1 or 0) and
the learner's *rest score*, the total points minus what this check gave (the "corrected
item-total correlation" of classical test theory). It says whether the learners who pass the
check are the ones who do well on everything else: near +1 it separates strong from weak
learners, near 0 it tells nothing about them, and below 0 the weaker learners pass it more
often than the stronger ones, which usually means the check or its exercise needs a look.
The rest score, not the total, is used so that a check does not correlate with its own
points; and the correlation, not the upper-lower 27% index, because it uses every learner
and stays defined for a class of a dozen. It is undefined (shown as "n/a") when fewer than
three learners were graded on the check, when all of them passed or all failed it, or when
their rest scores are all equal. Read it with the conventional bands (Ebel and Frisbie):
0.3 and above good, 0.2 to 0.3 fair, below 0.2 poor, below 0 negative.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from torchdojo.classreport.records import Records, Rejected
from torchdojo.engine.report import Report, Status

MIN_LEARNERS = 3  # for a discrimination
TOP_FAILURES = 3
FAILING = {Status.FAILED, Status.ERROR, Status.TIMEOUT}
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Distribution:
    percents: list[float]  # each graded learner's score as a percentage of their maximum
    scores: list[float]
    maximum: float  # the largest maximum among learners (points)

    @property
    def count(self) -> int:
        return len(self.percents)

    def summary(self) -> dict[str, float]:
        """mean, median, sd, min, max of the percentages (empty when nobody was graded)."""
        if not self.percents:
            return {}
        return {"mean": statistics.fmean(self.percents),
                "median": statistics.median(self.percents),
                "sd": statistics.pstdev(self.percents),
                "min": min(self.percents), "max": max(self.percents)}

    def histogram(self, bins: int = 10) -> list[int]:
        """Learners per band of 100/bins percent; 100% falls in the last band."""
        counts = [0] * bins
        for percent in self.percents:
            counts[min(bins - 1, int(percent * bins // 100))] += 1
        return counts


@dataclass(frozen=True)
class TopicStat:
    name: str
    title: str
    learners: int
    mean: float  # points
    max_score: float

    @property
    def mean_percent(self) -> float:
        return 100 * self.mean / self.max_score if self.max_score else 0.0


@dataclass(frozen=True)
class Failure:
    message: str  # the first line of one learner's message (an example of the group)
    count: int


@dataclass(frozen=True)
class CheckStat:
    topic: str
    name: str
    points: float
    graded: int  # learners graded on it (skipped ones are not)
    passed: int
    not_attempted: int
    skipped: int
    discrimination: float | None
    failures: list[Failure] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.topic}.{self.name}"

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.graded if self.graded else None


@dataclass(frozen=True)
class Attention:
    learner: str
    reason: str


@dataclass(frozen=True)
class ClassStats:
    folder: str
    learners: int  # with a trustworthy grade
    distribution: Distribution
    topics: list[TopicStat]
    checks: list[CheckStat]
    attention: list[Attention]
    rejected: list[Rejected]
    advisory: int  # graded locally, not strictly
    seeds: list[int]
    pending: int = 0  # learners of the batch not graded yet: in no figure, not zeros
    regrade: int = 0  # learners whose grading failed: in no figure, not zeros

    @property
    def ungraded(self) -> str:
        """The learners left out of the figures, in words ("" when none)."""
        parts = [f"{self.pending} not graded yet (pending)" if self.pending else "",
                 f"{self.regrade} needing a regrade" if self.regrade else ""]
        return " and ".join(p for p in parts if p)


def class_stats(records: Records, topic_order: Sequence[str] = ()) -> ClassStats:
    """Everything the page and the summary show, from the records alone."""
    graded = [(r.learner, r.report) for r in records.learners if r.report is not None]
    order = {name: i for i, name in enumerate(topic_order)}
    reports = [report for _, report in graded]
    return ClassStats(
        folder=str(records.folder),
        learners=len(graded),
        distribution=_distribution(reports),
        topics=sorted(_topics(reports), key=lambda t: order.get(t.name, len(order))),
        checks=sorted(_checks(reports), key=lambda c: (order.get(c.topic, len(order)),)),
        attention=_attention(records),
        rejected=list(records.rejected),
        advisory=sum(r.tier != "strict" for r in reports),
        seeds=sorted({r.seed for r in reports}),
        pending=sum(r.pending for r in records.learners),
        regrade=sum(r.report is None and not r.pending for r in records.learners),
    )


def _distribution(reports: list[Report]) -> Distribution:
    scored = [r for r in reports if r.max_score > 0]
    return Distribution([100 * r.score / r.max_score for r in scored],
                        [r.score for r in scored], max((r.max_score for r in scored),
                                                       default=0.0))


def _topics(reports: list[Report]) -> list[TopicStat]:
    found: dict[str, list] = defaultdict(list)
    titles = {}
    for report in reports:
        for topic in report.topics:
            found[topic.name].append(topic)
            titles.setdefault(topic.name, topic.title)
    return [TopicStat(name, titles[name], len(topics),
                      statistics.fmean(t.score for t in topics),
                      max(t.max_score for t in topics))
            for name, topics in found.items()]


def _checks(reports: list[Report]) -> list[CheckStat]:
    """One entry per check, in the order checks first appear (course order within a topic)."""
    outcomes: dict[tuple[str, str], list] = defaultdict(list)
    for report in reports:
        for topic in report.topics:
            for check in topic.checks:
                outcomes[topic.name, check.name].append((check, report.score))
    return [_check_stat(topic, name, found) for (topic, name), found in outcomes.items()]


def _check_stat(topic: str, name: str, found: list) -> CheckStat:
    graded = [(c, total) for c, total in found if c.status is not Status.SKIPPED]
    passed = [c.passed for c, _ in graded]
    rest = [total - c.score for c, total in graded]
    points = Counter(c.max_score for c, _ in graded).most_common(1)
    return CheckStat(
        topic=topic, name=name, points=points[0][0] if points else 0.0,
        graded=len(graded), passed=sum(passed),
        not_attempted=sum(c.status is Status.NOT_ATTEMPTED for c, _ in graded),
        skipped=len(found) - len(graded),
        discrimination=discrimination(passed, rest),
        failures=common_failures([c.message for c, _ in graded if c.status in FAILING]),
    )


def discrimination(passed: Sequence[bool], rest: Sequence[float]) -> float | None:
    """The point-biserial correlation of passing with the rest score (see the module notes);
    None where it is undefined."""
    if len(passed) < MIN_LEARNERS or len(set(passed)) < 2 or len(set(rest)) < 2:
        return None
    return statistics.correlation([float(p) for p in passed], [float(r) for r in rest])


def band(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value < 0:
        return "negative"
    return "good" if value >= 0.3 else "fair" if value >= 0.2 else "poor"


def common_failures(messages: Sequence[str], top: int = TOP_FAILURES) -> list[Failure]:
    """The most common first lines, numbers aside: "got 3, expected 4" and "got 5, expected
    6" are one failure; each group is shown by its first example."""
    groups: Counter[str] = Counter()
    example: dict[str, str] = {}
    for message in messages:
        first = message.strip().split("\n", 1)[0].strip() or "(no message)"
        key = _NUMBER.sub("#", " ".join(first.split()))[:300]
        groups[key] += 1
        example.setdefault(key, first[:300])
    return [Failure(example[key], count) for key, count in groups.most_common(top)]


def _attention(records: Records) -> list[Attention]:
    """Learners without a grade (pending, or to regrade), flagged notebooks, and report files
    that could not be used
    (named by file: their contents are not to be believed, the learner's name included)."""
    found = []
    for record in records.learners:
        if record.pending:
            found.append(Attention(record.learner, "not graded yet (pending): in no figure, "
                                                   "not a zero; grade it to count it"))
        elif record.report is None:
            found.append(Attention(record.learner, f"needs a regrade: "
                                                   f"{record.regrade or 'no grade'}"))
        found += [Attention(record.learner, f"flagged notebook {flag}") for flag in record.flags]
    found += [Attention(f"({r.file})", f"report not usable: {r.reason}")
              for r in records.rejected]
    return found
