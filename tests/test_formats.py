"""The CI result formats (Gradescope, exercism v3 / GitHub Classroom, JUnit) validate against the
field lists in the reference, and say the same thing as the report they render."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from tests import formats
from tests.conftest import ROOT, solution
from torchdojo.batch import records
from torchdojo.batch.identity import BatchKey, Submission
from torchdojo.engine.report import CheckResult, Report, Status, TopicResult
from torchdojo.reporters import exercism, gradebook_csv, gradescope, junit
from torchdojo.reporters.gradebook_csv import Row

NASTY = "\x00\x1b[31mred\x1b[0m <b>bold</b> & \"quoted\" ]]> ünïcode \U0001f600 \x07"

# Every status a real run can produce, in one topic: values from the reference except these.
MIXED_TENSORS = solution("tensors") + f'''
import signal
NASTY = {NASTY!r}
print(NASTY)
print("x" * 3000)

def scalar(value):  # timeout
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass

def from_data(data):  # failed
    return torch.zeros(3)

def labels_tensor(labels):  # error
    raise ValueError("bad <labels> & " + NASTY)

def share_numpy(array):  # not attempted
    raise NotImplementedError()
'''


@pytest.fixture(scope="module")
def mixed(course, tmp_path_factory) -> Report:
    from torchdojo.engine.grading import grade

    folder = tmp_path_factory.mktemp("mixed")
    (folder / "tensors.py").write_text(MIXED_TENSORS)
    (folder / "reshape_view.py").write_text("raise RuntimeError('broken on purpose')\n")
    return grade(course, ["tensors", "reshape_view"], submission=folder, seed=77,
                 timeout_scale=0.2)


def _skipped_and_fault() -> tuple[Report, Report]:
    checks = [CheckResult("on_cpu", Status.PASSED, 2, 2, concept="devices"),
              CheckResult("on_cuda", Status.SKIPPED, 0, 0, "skipped: needs a CUDA GPU, which "
                          "this machine does not have (not counted)", "CUDA moves")]
    skipped = Report(seed=5, tier="local", topics=[TopicResult("devices", "Devices", checks)])
    fault = Report(seed=5, tier="strict", topics=[TopicResult("devices", "Devices")],
                   fault="check devices.on_cpu crashed: KeyError: 'x'")
    return skipped, fault


def test_mixed_report_has_every_status(mixed):
    statuses = {c.status for c in mixed.checks}
    assert {Status.PASSED, Status.FAILED, Status.ERROR, Status.TIMEOUT,
            Status.NOT_ATTEMPTED} <= statuses
    assert mixed.topics[1].error and not mixed.fault


def test_gradescope_results_validate_and_match_the_report(mixed):
    data = formats.gradescope(gradescope.render(mixed))
    assert data["score"] == mixed.score == sum(t["score"] for t in data["tests"])
    assert sum(t["max_score"] for t in data["tests"]) == mixed.max_score
    assert [t["name"] for t in data["tests"]] == [f"{t.name}.{c.name}" for t in mixed.topics
                                                  for c in t.checks]
    for test, check in zip(data["tests"], mixed.checks, strict=True):
        assert test["status"] == ("passed" if check.passed else "failed")
        assert test["visibility"] == "visible"
        if not check.passed:
            assert check.message.splitlines()[0] in test["output"]
    assert str(mixed.seed) in data["output"] and "advisory" in data["output"]
    assert "broken on purpose" in data["output"]  # the topic error is shown


def test_gradescope_shows_a_skipped_check_neither_passed_nor_failed():
    """Gradescope colours a test by its status, else by score against max_score; a test with
    neither is informational. The skipped check is that, and says why it did not count."""
    skipped, _ = _skipped_and_fault()
    data = formats.gradescope(gradescope.render(skipped))
    cuda = next(t for t in data["tests"] if t["name"] == "devices.on_cuda")
    assert not {"status", "score", "max_score"} & cuda.keys(), cuda
    assert "not counted" in cuda["output"] and "skipped" in cuda["output"].lower()
    assert "skipped" in data["output"] and cuda["tags"] == ["devices", "skipped"]
    cpu = next(t for t in data["tests"] if t["name"] == "devices.on_cpu")
    assert (cpu["status"], cpu["score"], cpu["max_score"]) == ("passed", 2, 2)
    assert data["score"] == 2 == sum(t.get("score", 0) for t in data["tests"])


def test_gradescope_grader_fault_follows_otter():
    """A grader fault awards nothing and says so, visibly, without the details."""
    _, fault = _skipped_and_fault()
    data = formats.gradescope(gradescope.render(fault))
    visible = [t for t in data["tests"] if t["visibility"] == "visible"]
    hidden = [t for t in data["tests"] if t["visibility"] == "hidden"]
    assert [t["name"] for t in visible] == ["Autograder failed"]
    assert visible[0]["status"] == "failed" and "grader itself failed" in visible[0]["output"]
    assert "grader itself failed" in data["output"]
    assert "KeyError" in hidden[0]["output"] and "KeyError" not in visible[0]["output"]
    assert all("score" not in t for t in data["tests"]) and data["score"] == 0


def test_exercism_results_validate_and_keep_check_order(mixed):
    data = formats.exercism(exercism.render(mixed))
    assert data["version"] == 3 and data["status"] == "fail"
    assert [t["name"] for t in data["tests"]] == [f"{t.name}.{c.name}" for t in mixed.topics
                                                  for c in t.checks]
    assert sum(t["score"] for t in data["tests"]) == mixed.score
    assert data["max_score"] == mixed.max_score
    assert {t["task_id"] for t in data["tests"]} == {1, 2}  # topic numbers in course order
    by_status = {c.status: t["status"] for c, t in zip(mixed.checks, data["tests"], strict=True)}
    assert by_status[Status.PASSED] == "pass" and by_status[Status.FAILED] == "fail"
    assert by_status[Status.TIMEOUT] == "error" and by_status[Status.NOT_ATTEMPTED] == "fail"
    assert all(t["message"] for t in data["tests"] if t["status"] != "pass")  # ours, always
    printed = data["tests"][0]["output"]
    assert len(printed) <= 500 and "more characters not shown" in printed


def test_exercism_status_error_only_when_nothing_could_run(course, grade_files):
    broken = grade_files({"tensors": "def f(:\n", "reshape_view": "import nothing_here\n"})
    data = formats.exercism(exercism.render(broken))
    assert data["status"] == "error" and "SyntaxError" in data["message"]
    _, fault = _skipped_and_fault()
    data = formats.exercism(exercism.render(fault))
    assert data["status"] == "error" and data["tests"] == [] and "grader" in data["message"]


def test_exercism_skipped_check_is_not_a_failure():
    """Every gradable check passed: status pass. The skipped check did not run, and exercism
    has no status for that, so it is not among the tests (nor in the points)."""
    skipped, _ = _skipped_and_fault()
    data = formats.exercism(exercism.render(skipped))
    assert data["status"] == "pass"
    assert [t["name"] for t in data["tests"]] == ["devices.on_cpu"]
    assert data["max_score"] == 2 == sum(t["score"] for t in data["tests"])
    only_skipped = Report(seed=5, tier="local", topics=[TopicResult(
        "devices", "Devices", [skipped.topics[0].checks[1]])])
    data = formats.exercism(exercism.render(only_skipped))
    assert data["status"] == "error" and data["tests"] == []
    assert "skipped" in data["message"]  # nothing could run here, and it says why


def test_junit_shows_each_check_with_its_outcome(mixed):
    text = junit.render(mixed)
    root = formats.junit(text)  # valid under junit-10.xsd, and junitparser reads it
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [t.name for t in mixed.topics]
    for suite, topic in zip(suites, mixed.topics, strict=True):
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [c.name for c in topic.checks]
        assert formats.properties(suite)["max_points"] == f"{topic.max_score:g}"
        for case, check in zip(cases, topic.checks, strict=True):
            expected = {Status.PASSED: None, Status.FAILED: "failure",
                        Status.NOT_ATTEMPTED: "failure", Status.ERROR: "error",
                        Status.TIMEOUT: "error"}[check.status]
            outcome = next(iter(case), None)
            assert (outcome.tag if outcome is not None else None) == expected
            if outcome is not None:
                assert outcome.get("message") and outcome.get("type") == check.status
    assert root.get("failures") == str(mixed.count(Status.FAILED)
                                       + mixed.count(Status.NOT_ATTEMPTED))
    points = formats.junit_points(text)
    assert points == {f"{t.name}.{c.name}": (c.score, c.max_score) for t in mixed.topics
                      for c in t.checks}
    assert sum(p for p, _ in points.values()) == mixed.score


def test_junit_escapes_learner_text(mixed):
    root = formats.junit(junit.render(mixed))
    printed = root.find("testsuite/system-out").text
    assert "<b>bold</b> & \"quoted\" ]]> ünïcode \U0001f600" in printed
    assert "\\x00" in printed and "\\x1b[31m" in printed  # spelled out, not dropped
    raised = root.find("testsuite/testcase[@name='labels_are_int64']/error")
    assert "bad <labels> &" in raised.text
    assert "broken on purpose" in root.findall("testsuite")[1].find("system-err").text


def test_junit_skipped_and_fault():
    skipped, fault = _skipped_and_fault()
    text = junit.render(skipped)
    root = formats.junit(text)
    assert root.find("testsuite/testcase[@name='on_cuda']/skipped") is not None
    assert root.find("testsuite").get("skipped") == "1"
    assert formats.junit_points(text) == {"devices.on_cpu": (2, 2), "devices.on_cuda": (0, 0)}
    root = formats.junit(junit.render(fault))
    error = root.find("testsuite[@name='torchdojo grader']/testcase/error")
    assert error.get("type") == "grader_fault" and "KeyError" in error.text


def test_junit_validator_rejects_what_the_schema_forbids(mixed):
    """The schema check is real: per-testcase properties (what this reporter wrote before)
    and a skipped count on <testsuites> are refused."""
    import xmlschema

    root = ET.fromstring(junit.render(mixed))
    case = root.find("testsuite/testcase")
    ET.SubElement(ET.SubElement(case, "properties"), "property", name="points", value="1")
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        formats.junit(ET.tostring(root, "unicode"))
    root = ET.fromstring(junit.render(mixed))
    root.set("skipped", "0")
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        formats.junit(ET.tostring(root, "unicode"))


def test_gradebook_leaves_untrusted_rows_empty_and_defuses_formulas(mixed):
    _, fault = _skipped_and_fault()
    key = BatchKey(5, "local", ("tensors", "reshape_view"), "sha256:" + "0" * 64, "0.1.0")
    files = Submission("sha256:" + "1" * 64, ("tensors.py",))
    graded, faulty = (records.build(n, r, key, files) for n, r in [("=HYPERLINK(1)", mixed),
                                                                     ("bob", fault)])
    text = gradebook_csv.render([Row("=HYPERLINK(1)", graded["state"], graded),
                                 Row("bob", faulty["state"], faulty),
                                 Row("carol", "pending", None)], ["tensors", "reshape_view"])
    rows = [line.split(",") for line in text.splitlines()]
    assert rows[0] == ["learner", "tensors", "reshape_view", "total", "max_score", "status",
                       "reason", "seed"]
    assert rows[1][0] == "'=HYPERLINK(1)" and rows[1][3] == f"{mixed.score:g}"
    assert rows[1][5] == "graded"
    assert rows[2][1:4] == ["", "", ""] and rows[2][5] == "needs_regrade"
    assert rows[2][6].startswith("check devices.on_cpu crashed")
    assert rows[3][5] == "pending"


@pytest.mark.parametrize("fmt, validate", [("junit", formats.junit),
                                           ("gradescope", formats.gradescope),
                                           ("exercism", formats.exercism)])
def test_grade_command_writes_each_format(fmt, validate, tmp_path):
    out = tmp_path / f"results.{fmt}"
    run = subprocess.run([sys.executable, "-m", "torchdojo", "grade", "tensors", "--submission",
                          "solutions", "--format", fmt, "--output", str(out), "--seed", "3"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    validate(out.read_text())
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left behind
    if fmt != "junit":
        assert json.loads(out.read_text())  # stdout stayed clean: the file is the document


HOSTILE = "\x1b[2J\x1b]0;t\x07 \x00 \r \ud800 \u202eevil [bold]x[/] [/nope] =cmd ]]> <b>"


def test_every_format_holds_whatever_text_and_numbers_a_report_carries():
    """Each reporter guarantees its format on its own, even for a report that did not come
    through the engine (where learner text is made safe first)."""
    import csv
    import io
    import math
    import re

    from rich.console import Console

    from torchdojo.reporters import json as json_reporter
    from torchdojo.reporters import text

    check = CheckResult("scalar_is_0d", Status.FAILED, 0, 1, message=HOSTILE, concept="0-d",
                        data={"loss_curve": [0.5, math.nan, math.inf, -math.inf], HOSTILE: HOSTILE})
    report = Report(seed=1, tier="local", notes=[HOSTILE], topics=[
        TopicResult("tensors", "Tensors", [check], error=HOSTILE, output=HOSTILE)])

    def refuse(name):
        raise ValueError(name)

    data = json.loads(json_reporter.render(report), parse_constant=refuse)
    assert data["topics"][0]["checks"][0]["data"]["loss_curve"] == [0.5, "NaN", "Infinity",
                                                                   "-Infinity"]
    for fmt, validate in (("gradescope", formats.gradescope), ("exercism", formats.exercism)):
        rendered = {"gradescope": gradescope, "exercism": exercism}[fmt].render(report)
        json.loads(rendered, parse_constant=refuse)
        validate(rendered)
        rendered.encode("utf-8")
    formats.junit(junit.render(report))
    rows = [Row(HOSTILE, "needs_regrade", None, reason=HOSTILE)]
    for row in csv.reader(io.StringIO(gradebook_csv.render(rows, ["tensors"]))):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row[:1])
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", "".join(row))
    console = Console(file=io.StringIO(), width=100, force_terminal=True)
    text.render(report, console)
    shown = re.sub("\x1b\\[[0-9;]*m", "", console.file.getvalue())
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e\ud800]", shown)
    assert "[bold]x[/] [/nope]" in shown  # markup shown as text, never applied
