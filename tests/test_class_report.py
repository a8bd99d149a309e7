"""The class report: its statistics on hand-computed examples, its reading of untrusted
reports, its figures against the reports of a real batch, its page in a real browser, and
the LMS import files.

The browser is Debian's headless Chromium (``apt-get install -y chromium``, as the README's
test section says and ``.ci/run`` does); without it the browser test is skipped and says why,
unless ``TORCHDOJO_REQUIRE_CHROMIUM`` is set (CI), where it fails.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ROOT, solution
from tests.corpus import cases
from torchdojo.batch import records as batch_records
from torchdojo.classreport import lms, records, stats
from torchdojo.classreport.build import course_points
from torchdojo.classreport.summary import printable
from torchdojo.engine.report import CheckResult, Report, Status, TopicResult

BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HOSTILE = "<img src=x onerror=alert(1)>"
TOPICS = ("tensors", "reshape_view")
SEED = 7


# ----------------------------------------------------------------------------- statistics


def test_discrimination_matches_a_hand_computed_example():
    """Five learners; three pass. Rest scores 9, 7, 8 (passed) and 4, 6 (failed).
    M1 = 8, M0 = 5, p = 0.6; the rest scores' mean is 6.8 and their population variance
    (2.2² + 0.2² + 1.2² + 2.8² + 0.8²) / 5 = 2.96, so
    r = (M1 - M0) / sqrt(2.96) * sqrt(0.6 * 0.4) = 3 * sqrt(0.24 / 2.96) = 0.854242..."""
    value = stats.discrimination([True, True, True, False, False], [9, 7, 8, 4, 6])
    assert value == pytest.approx(3 * math.sqrt(0.24 / 2.96), abs=1e-12)
    assert value == pytest.approx(0.854242, abs=1e-6)
    # the weaker learners pass: negative
    assert stats.discrimination([False, False, True, True], [9, 8, 2, 1]) < 0


@pytest.mark.parametrize("passed, rest", [
    ([True, False], [3, 1]),  # fewer than three learners
    ([True, True, True], [1, 2, 3]),  # everybody passed
    ([False, False, False], [1, 2, 3]),  # nobody passed
    ([True, False, True], [2, 2, 2]),  # the rest scores say nothing
])
def test_discrimination_is_undefined_where_it_says_nothing(passed, rest):
    assert stats.discrimination(passed, rest) is None


def test_bands():
    assert [stats.band(v) for v in (None, -0.1, 0.1, 0.2, 0.29, 0.3, 0.9)] == \
        ["n/a", "negative", "poor", "fair", "fair", "good", "good"]


def test_class_stats_uses_the_rest_score_and_leaves_skipped_checks_out():
    """The check's own points are taken out of the total; a skipped check is not graded."""
    def learner(name, a, b, gpu=Status.SKIPPED):
        checks = [CheckResult("a", Status.PASSED if a else Status.FAILED, 2 * a, 2, "no"),
                  CheckResult("b", Status.PASSED if b else Status.FAILED, 3 * b, 3, "no"),
                  CheckResult("gpu", gpu, 0, 0 if gpu is Status.SKIPPED else 1)]
        report = Report(seed=1, tier="strict", topics=[TopicResult("t", "T", checks)])
        return records.Learner(name, f"{name}.json", report)

    found = records.Records(Path("g"), [learner("w", 1, 1), learner("x", 1, 0),
                                        learner("y", 0, 0), learner("z", 0, 1)], [])
    result = stats.class_stats(found)
    by_id = {c.id: c for c in result.checks}
    # rest scores for a: 3, 0 (passed) and 0, 3 (failed): no relation at all
    assert by_id["t.a"].discrimination == pytest.approx(0.0)
    assert by_id["t.a"].pass_rate == 0.5 and by_id["t.a"].graded == 4
    assert by_id["t.gpu"].graded == 0 and by_id["t.gpu"].skipped == 4
    assert by_id["t.gpu"].pass_rate is None and by_id["t.gpu"].discrimination is None
    assert result.distribution.percents == [100.0, 40.0, 0.0, 60.0]
    assert result.distribution.histogram() == [1, 0, 0, 0, 1, 0, 1, 0, 0, 1]
    assert result.topics[0].mean == pytest.approx(2.5)


def test_common_failures_group_messages_apart_from_their_numbers():
    messages = ["values differ at index 3: got 0.5, expected 0.25\nmore",
                "values differ at index 7: got -1, expected 2e-3",
                "shape (2, 3) where (3, 2) was expected", "values differ at index 1: got 1, "
                "expected 2", ""]
    found = stats.common_failures(messages)
    assert [(f.message, f.count) for f in found] == [
        ("values differ at index 3: got 0.5, expected 0.25", 3),
        ("shape (2, 3) where (3, 2) was expected", 1), ("(no message)", 1)]


# ----------------------------------------------------------------------------- untrusted reports


def _doc(learner: str, scores=(1, 0), fault: str = "") -> dict:
    checks = [CheckResult("scalar_is_0d", Status.PASSED if scores[0] else Status.FAILED,
                          scores[0], 1, "" if scores[0] else "shape () expected"),
              CheckResult("from_nested_data", Status.PASSED if scores[1] else Status.FAILED,
                          2 * scores[1], 2, "" if scores[1] else "dtype float64 expected")]
    report = Report(seed=3, tier="strict", topics=[TopicResult("tensors", "Tensors", checks)],
                    fault=fault)
    return {"learner": learner, **report.to_dict()}


POINTS = {"tensors": {"scalar_is_0d": 1, "from_nested_data": 2}}


def _tampered(change) -> dict:
    doc = _doc("mallory")
    change(doc)
    return doc


@pytest.mark.parametrize("doc, says", [
    (_tampered(lambda d: d["topics"][0]["checks"][0].update(score=100, max_score=100)),
     "is worth 1 here"),
    (_tampered(lambda d: d["topics"][0]["checks"][1].update(score=2)),
     "scores 2 without passing"),
    (_tampered(lambda d: d.update(score=3)), "score is not the sum of its parts"),
    (_tampered(lambda d: d["topics"][0]["checks"][0].update(name="bonus")),
     "tensors.bonus is no check of this course"),
    (_tampered(lambda d: d["topics"][0].update(name="<b>x</b>")), "is not a name"),
    (_tampered(lambda d: d["topics"][0]["checks"][0].update(status="excellent")),
     "unknown status"),
    (_tampered(lambda d: d.update(learner="alice")), "is the report of 'mallory'"),
    (_tampered(lambda d: d.update(topics=[])), "grades no topic"),
    (_tampered(lambda d: d.update(seed="7")), "has no seed"),
    ([1, 2], "the report is not an object"),
])
def test_a_tampered_report_is_set_aside_with_its_first_problem(tmp_path, doc, says):
    (tmp_path / "mallory.json").write_text(json.dumps(doc))
    found = records.read_all(tmp_path, POINTS)
    assert found.learners == [] and len(found.rejected) == 1
    assert says in found.rejected[0].reason, found.rejected[0].reason


def test_unreadable_files_are_listed_and_never_stop_the_report(tmp_path, monkeypatch):
    (tmp_path / "good.json").write_text(json.dumps(_doc("good")))
    (tmp_path / "nan.json").write_text(json.dumps(_doc("nan")).replace('"score": 1',
                                                                       '"score": NaN', 1))
    (tmp_path / "cut.json").write_text(json.dumps(_doc("cut"))[:40])
    (tmp_path / "latin.json").write_bytes(b'{"learner": "\xff"}')
    (tmp_path / "secret.txt").write_text("{}")
    (tmp_path / "link.json").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "folder.json").mkdir()
    (tmp_path / "big.json").write_text(json.dumps(_doc("big")) + " " * 200)
    (tmp_path / ".good.json.tmp.json").write_text("{")  # a writer's temporary file
    monkeypatch.setattr(batch_records, "MAX_BYTES", len(json.dumps(_doc("big"))) + 100)
    found = records.read_all(tmp_path, POINTS)
    assert [r.learner for r in found.learners] == ["good"]
    reasons = {r.file: r.reason for r in found.rejected}
    assert set(reasons) == {"nan.json", "cut.json", "latin.json", "link.json", "folder.json",
                            "big.json"}
    assert "NaN" in reasons["nan.json"] and "larger than" in reasons["big.json"]
    assert "cannot be read" in reasons["link.json"]  # O_NOFOLLOW: never read through a link


def test_faults_and_flagged_notebooks_are_the_learners_to_look_at(tmp_path):
    """grade-batch's fault rows and nbgrader grade's reports (student, problem, notebooks)."""
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "bob.json").write_text(json.dumps(_doc("bob", fault="worker died")))
    (tmp_path / "reports" / "ann.json").write_text(json.dumps(_doc("ann", (1, 1))))
    found = stats.class_stats(records.read_all(tmp_path, POINTS))
    assert [(a.learner, a.reason) for a in found.attention] == [
        ("bob", "needs a regrade: worker died")]
    assert found.learners == 1

    nbgrader = tmp_path / "nb"
    nbgrader.mkdir()
    doc = _doc("cy", (1, 1))
    doc["student"] = doc.pop("learner")
    doc.update(problem=None, notebooks=[{"topic": "tensors", "score": 3, "max_score": 3,
                                         "problem": None, "notes": ["answer cell reaches "
                                                                    "into the kernel"]}])
    (nbgrader / "cy.json").write_text(json.dumps(doc))
    (nbgrader / "dee.json").write_text(json.dumps({"student": "dee", "problem": "grader "
                                                   "fault, nothing written", "notebooks": []}))
    found = stats.class_stats(records.read_all(nbgrader, POINTS))
    assert [(a.learner, a.reason) for a in found.attention] == [
        ("cy", "flagged notebook tensors: answer cell reaches into the kernel"),
        ("dee", "needs a regrade: grader fault, nothing written")]


def test_terminal_text_spells_out_control_characters():
    assert printable("a\x1b[31mb\u202ec\nd") == "a\\x1b[31mb\\u202ec\\x0ad"


# ----------------------------------------------------------------------------- a real class


class Tables(HTMLParser):
    """Each table of the page by id: rows of (text, data-value) cells."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, str | None]]]] = {}
        self._table: str | None = None
        self._cell: list | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = attrs.get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = ["", attrs.get("data-value")]

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[self._table][-1].append((self._cell[0].strip(), self._cell[1]))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0] += data


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory) -> Path:
    """A real batch: right, wrong, stub and hostile-named learners on two topics, graded by
    grade-batch; then one report tampered with, one that is not JSON and one lost (as an
    interrupted batch leaves it), and the gradebook rebuilt: its rows are then graded,
    not_attempted, needs_regrade (the two refused reports) and pending (the lost one)."""
    folder = tmp_path_factory.mktemp("class")
    tensors = [c for c in cases("wrong", "tensors") if not c.also]
    reshape = [c for c in cases("wrong", "reshape_view") if not c.also]
    plans = {"ada": (None, None), "bo": (None, reshape[0]), "cy": (tensors[0], reshape[1]),
             "di": (tensors[1], "stub"), "ed": ("stub", "stub"), HOSTILE: (tensors[2], None),
             "fay": (tensors[0], reshape[0])}
    for name, parts in plans.items():
        (folder / name).mkdir()
        for topic, part in zip(TOPICS, parts, strict=True):
            source = (solution(topic) if part is None else
                      (ROOT / "exercises" / f"{topic}.py").read_text() if part == "stub"
                      else part.source())
            (folder / name / f"{topic}.py").write_text(source)
    grades = tmp_path_factory.mktemp("grades")
    done = subprocess.run([str(BIN / "torchdojo"), "grade-batch", str(folder), *TOPICS,
                           "--output", str(grades), "--workers", "2", "--seed", str(SEED)],
                          cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    hostile = grades / "reports" / f"{HOSTILE}.json"
    forged = json.loads(hostile.read_text())
    forged["topics"][0]["checks"][0].update(max_score=50)
    hostile.write_text(json.dumps(forged))
    (grades / "reports" / "zed.json").write_text('{"learner": "zed", "score": ')
    (grades / "reports" / "fay.json").unlink()
    rebuilt = subprocess.run([str(BIN / "torchdojo"), "gradebook", "rebuild", str(grades)],
                             cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert rebuilt.returncode == 1 and "not graded yet: fay" in rebuilt.stderr, rebuilt.stderr
    return grades


def _gradebook(grades: Path) -> dict[str, dict[str, str]]:
    from torchdojo.reporters.gradebook_csv import learner_id

    with open(grades / "gradebook.csv", newline="") as handle:
        return {learner_id(row["learner"]): row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def built(graded_class) -> tuple[Path, subprocess.CompletedProcess]:
    done = subprocess.run([str(BIN / "torchdojo"), "report", str(graded_class)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return graded_class / "class-report.html", done


def _trusted_reports(grades: Path) -> list[dict]:
    """The reports the page must be built from, read here on their own."""
    docs = [json.loads(p.read_text()) for p in sorted((grades / "reports").glob("*.json"))
            if p.stem not in (HOSTILE, "zed")]
    return [d for d in docs if d["state"] in ("graded", "not_attempted", "no_submission")]


def _point_biserial(pairs: list[tuple[bool, float]]) -> float | None:
    """r = (M1 - M0) / s * sqrt(p q), with s the population deviation of the rest scores."""
    ones = [r for p, r in pairs if p]
    zeros = [r for p, r in pairs if not p]
    rest = [r for _, r in pairs]
    spread = statistics.pstdev(rest) if rest else 0
    if len(pairs) < 3 or not ones or not zeros or not spread:
        return None
    share = len(ones) / len(pairs)
    return ((statistics.fmean(ones) - statistics.fmean(zeros)) / spread
            * math.sqrt(share * (1 - share)))


def test_figures_match_the_reports_they_were_built_from(built, graded_class):
    page, _ = built
    tables = Tables(page.read_text()).tables
    docs = _trusted_reports(graded_class)
    assert len(docs) == 5  # pending and needs_regrade learners are no zeros: in no figure
    percents = [100 * d["score"] / d["max_score"] for d in docs]
    histogram = [0] * 10
    for percent in percents:
        histogram[min(9, int(percent // 10))] += 1
    assert [int(row[1][1]) for row in tables["distribution-table"][1:]] == histogram

    for row, topic in zip(tables["topics-table"][1:], TOPICS, strict=True):
        scores = [t["score"] for d in docs for t in d["topics"] if t["name"] == topic]
        assert row[0][0] == topic and int(row[2][1]) == len(scores)
        assert float(row[3][1]) == pytest.approx(statistics.fmean(scores), abs=1e-9)

    rows = {row[0][0]: row for row in tables["checks-table"][1:]}
    ids = [f"{t['name']}.{c['name']}" for t in docs[0]["topics"] for c in t["checks"]]
    assert list(rows) == ids  # course order
    for check_id in ids:
        topic, name = check_id.split(".")
        pairs = [(c["status"] == "passed", d["score"] - c["score"]) for d in docs
                 for t in d["topics"] if t["name"] == topic for c in t["checks"]
                 if c["name"] == name and c["status"] != "skipped"]
        rate, value = rows[check_id][3][1], rows[check_id][5][1]
        assert float(rate) == pytest.approx(sum(p for p, _ in pairs) / len(pairs), abs=1e-9)
        expected = _point_biserial(pairs)
        assert (value == "") if expected is None else \
            float(value) == pytest.approx(expected, abs=1e-9), check_id
    failing = [r for r in rows.values() if "×" in r[6][0]]
    assert failing, "the wrong submissions' messages are shown"


def test_learners_to_look_at_and_unusable_reports_are_listed(built):
    page, done = built
    attention = Tables(page.read_text()).tables["attention-table"][1:]
    reasons = {row[0][0]: row[1][0] for row in attention}
    assert set(reasons) == {HOSTILE, "zed", "fay"}
    assert reasons[HOSTILE].startswith("needs a regrade: its report was refused")
    assert "max_score" in reasons[HOSTILE]
    assert reasons["zed"].startswith("needs a regrade: its report was refused")
    assert reasons["fay"].startswith("not graded yet (pending)")
    assert "1 not graded yet (pending) and 2 needing a regrade: in no figure" in done.stdout
    assert "fay: not graded yet (pending)" in done.stdout
    assert (page.with_suffix(".txt")).read_text() in done.stdout
    assert "1 not graded yet (pending) and 2 needing a regrade: they are in no figure" in \
        re.sub(r"<[^>]+>", "", page.read_text())


def test_learners_and_states_are_the_gradebooks(graded_class, course):
    """The report reads a grade-batch output as its gradebook.csv: every row, in its state."""
    from torchdojo.classreport.build import read_grades

    rows = _gradebook(graded_class)
    found = read_grades(course, graded_class)
    assert {r.learner: r.state for r in found.learners} == \
        {name: row["status"] for name, row in rows.items()}
    assert {"graded", "not_attempted", "needs_regrade", "pending"} <= \
        {row["status"] for row in rows.values()}
    for learner in found.learners:
        row = rows[learner.learner]
        if learner.report is None:  # no grade: an empty cell, never a zero
            assert row["total"] == "" and row["status"] in ("needs_regrade", "pending")
        else:
            assert float(row["total"]) == pytest.approx(learner.report.score, abs=1e-4)


def test_learner_text_is_escaped(built):
    """The hostile learner's file is listed by name, and messages quote learner values."""
    html = built[0].read_text()
    assert HOSTILE not in html and "<td>&lt;img src=x onerror=alert(1)&gt;</td>" in html
    assert "<img" not in html and "<script" not in html


def test_page_is_self_contained(built):
    html = built[0].read_text()
    assert html.count("<svg") == 3 and "<script" not in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing fetched
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


# ----------------------------------------------------------------------------- in a browser


def _chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    sandbox = ["--no-sandbox"] if os.geteuid() == 0 else []  # Chromium refuses root otherwise
    return subprocess.run([CHROMIUM, "--headless", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", "--no-default-browser-check", *sandbox,
                           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                           *args, page.resolve().as_uri()],
                          capture_output=True, text=True, timeout=300)


def _page_errors(log: str) -> list[str]:
    """What the page itself logged: console messages and refused loads (Chromium's own
    D-Bus and GPU chatter on a headless server is not about the page)."""
    return [line for line in log.splitlines() if "CONSOLE" in line or "Refused to" in line
            or "Failed to load resource" in line]


def test_page_renders_in_headless_chromium(built, tmp_path):
    import numpy as np
    from PIL import Image

    if CHROMIUM is None:
        why = ("Chromium is not installed (Debian: apt-get install -y chromium; see the "
               "README, Run the tests)")
        if os.environ.get("TORCHDOJO_REQUIRE_CHROMIUM"):
            pytest.fail(why + ", and TORCHDOJO_REQUIRE_CHROMIUM says it must be")
        pytest.skip(why)
    page, _ = built
    shot = tmp_path / "class-report.png"
    done = _chromium(page, tmp_path / "profile", "--window-size=1280,3000",
                     f"--screenshot={shot}")
    assert shot.is_file(), done.stderr
    assert _page_errors(done.stderr) == []
    dom = _chromium(page, tmp_path / "profile", "--dump-dom").stdout
    assert dom.count("<svg") == 3 and 'id="checks-table"' in dom
    assert "<img" not in dom and "onerror" not in dom.replace("onerror=alert(1)&gt;", "")
    if os.environ.get("TORCHDOJO_SCREENSHOT"):  # to look at it: a path to copy it to
        shutil.copyfile(shot, os.environ["TORCHDOJO_SCREENSHOT"])
    pixels = np.asarray(Image.open(shot).convert("RGB")).reshape(-1, 3).astype(int)
    background = (pixels == (255, 255, 255)).all(1) | (pixels == (246, 247, 249)).all(1)
    bars = (np.abs(pixels - (31, 119, 180)) < 8).all(1)  # the charts' blue (#1f77b4)
    assert background.mean() < 0.95 and bars.sum() > 2000, (background.mean(), bars.sum())

    # the error check is real: a page that loads something or runs a script is caught
    bad = tmp_path / "bad.html"
    bad.write_text(page.read_text().replace(
        "</main>", '<img src="http://example.invalid/x.png"><script>console.error("x")'
                   "</script></main>"))
    assert _page_errors(_chromium(bad, tmp_path / "profile", "--dump-dom").stderr)


# ----------------------------------------------------------------------------- LMS files


def _learners() -> list[records.Learner]:
    docs = [_doc("ann", (1, 1)), _doc("bob", (1, 0)), _doc("cy", fault="worker died"),
            _doc("=cmd|' /C calc'!A0", (0, 0))]
    return [records.learner_of(d, d["learner"], f"{d['learner']}.json", POINTS) for d in docs] \
        + [records.Learner("dee", "dee.json", None, state="pending")]


def test_canvas_file_has_canvas_columns_and_points_possible():
    learners = _learners()
    result = lms.export("canvas", learners, lms.columns(learners, "Lab 1 (4321)", False, []))
    rows = list(csv.reader(io.StringIO(result.text)))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       "Lab 1 (4321)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "3"]
    assert rows[2:] == [["ann", "", "", "ann", "", "3"], ["bob", "", "", "bob", "", "1"]]
    assert [who for who, _ in result.left_out] == ["cy", "=cmd|' /C calc'!A0", "dee"]
    assert "no grade (worker died)" in result.left_out[0][1]
    assert "formula" in result.left_out[1][1]
    assert result.left_out[2][1] == "not graded yet (pending)"  # no grade, not a zero


def test_moodle_file_has_an_identifier_column_and_one_per_grade_item():
    learners = _learners()
    cols = lms.columns(learners, "torchdojo", True, ["tensors"])
    result = lms.export("moodle", learners, cols, "email")
    rows = list(csv.reader(io.StringIO(result.text)))
    assert rows == [["email", "torchdojo: tensors"], ["ann", "3"], ["bob", "1"]]
    with pytest.raises(ValueError, match="username, email, idnumber"):
        lms.export("moodle", learners, cols, "SIS Login ID")


def test_lms_command_writes_the_file_and_lists_who_was_left_out(built, graded_class, tmp_path):
    out = tmp_path / "canvas.csv"
    done = subprocess.run([str(BIN / "torchdojo"), "report", str(graded_class), "--lms",
                           "canvas", "--output", str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    docs = {d["learner"]: d for d in _trusted_reports(graded_class)}
    graded = {r["SIS Login ID"]: float(r["torchdojo"]) for r in rows[1:]}
    assert graded == {name: d["score"] for name, d in docs.items()}
    assert float(rows[0]["torchdojo"]) == max(d["max_score"] for d in docs.values())
    assert f"left out {HOSTILE}: no grade (its report was refused" in done.stderr
    assert "left out zed: no grade" in done.stderr
    assert "left out fay: not graded yet (pending)" in done.stderr
    assert set(graded) | {HOSTILE, "zed", "fay"} == set(_gradebook(graded_class))


def test_course_points_cover_every_check(course):
    from torchdojo.engine import catalog

    points = course_points(course)
    assert points["tensors"] == {c.name: c.points for c in
                                 catalog.checks(course, course.topic("tensors"))}
