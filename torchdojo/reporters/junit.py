"""JUnit XML, the input of CI test-report views: one testsuite per topic, one testcase per check.

The document is valid under the Jenkins xUnit ``junit-10.xsd``, the schema pytest's xunit2
output is held to: statuses map onto its vocabulary (failed and not_attempted are
``<failure>``, error and timeout are ``<error>``, skipped is ``<skipped>``), and since that
schema gives a testcase no ``<properties>``, points travel as properties of the topic's suite
(``points``, ``max_points``, and ``<check>.points`` / ``<check>.max_points`` per check), as
pytest's ``record_testsuite_property`` writes them. Learner text is escaped by ElementTree, and
characters XML 1.0 cannot hold at all (NUL, terminal escapes) are spelled out.
"""

from __future__ import annotations

import re
import socket
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from torchdojo.engine.report import CheckResult, Report, Status, TopicResult
from torchdojo.reporters.common import FAULT_FOR_LEARNER, check_text, clip, number

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
TEXT_LIMIT = 20_000
FAILURE = {Status.FAILED, Status.NOT_ATTEMPTED}
ERROR = {Status.ERROR, Status.TIMEOUT}


def render(report: Report) -> str:
    root = document(report)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def document(report: Report) -> ET.Element:
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    root = ET.Element("testsuites", name="torchdojo")
    suites = [_suite(t, report, stamp) for t in report.topics]
    if report.fault:
        suites.append(_fault_suite(report, stamp))
    root.extend(suites)
    _count(root, suites)
    root.set("time", _seconds(report.seconds))
    return root


def safe(text: str) -> str:
    """Text XML can hold: characters outside XML 1.0 become visible ``\\xNN`` escapes."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _suite(topic: TopicResult, report: Report, stamp: str) -> ET.Element:
    suite = ET.Element("testsuite", name=safe(topic.name), timestamp=stamp,
                       hostname=safe(socket.gethostname()),
                       time=_seconds(sum(c.seconds for c in topic.checks)))
    per_check = {f"{c.name}.{key}": number(value) for c in topic.checks
                 for key, value in (("points", c.score), ("max_points", c.max_score))}
    _properties(suite, title=topic.title, points=number(topic.score),
                max_points=number(topic.max_score), seed=report.seed, tier=report.tier,
                **per_check)
    cases = [_case(topic, check) for check in topic.checks]
    suite.extend(cases)
    _count(suite, cases)
    if topic.output.strip():
        ET.SubElement(suite, "system-out").text = safe(clip(topic.output, TEXT_LIMIT))
    if topic.error:
        ET.SubElement(suite, "system-err").text = safe(f"import failed: {topic.error}")
    return suite


def _case(topic: TopicResult, check: CheckResult) -> ET.Element:
    case = ET.Element("testcase", classname=f"torchdojo.{safe(topic.name)}",
                      name=safe(check.name), time=_seconds(check.seconds))
    if check.status is Status.PASSED:
        return case
    text = safe(clip(check_text(check), TEXT_LIMIT))
    first = text.splitlines()[0] if text else ""
    tag = ("skipped" if check.status is Status.SKIPPED
           else "failure" if check.status in FAILURE else "error")
    ET.SubElement(case, tag, message=first, type=check.status.value).text = text
    return case


def _fault_suite(report: Report, stamp: str) -> ET.Element:
    suite = ET.Element("testsuite", name="torchdojo grader", timestamp=stamp,
                       hostname=safe(socket.gethostname()), time="0.000")
    case = ET.SubElement(suite, "testcase", classname="torchdojo", name="grader", time="0.000")
    detail = safe(clip(report.fault, TEXT_LIMIT))
    ET.SubElement(case, "error", message=FAULT_FOR_LEARNER,
                  type="grader_fault").text = detail
    _count(suite, [case])
    return suite


def _properties(element: ET.Element, **values: object) -> None:
    props = ET.SubElement(element, "properties")
    for name, value in values.items():
        ET.SubElement(props, "property", name=name, value=safe(str(value)))


def _count(element: ET.Element, children: list[ET.Element]) -> None:
    """Set tests/failures/errors/skipped from the testcases (or, on ``<testsuites>``, the
    suites) below; the schema gives ``<testsuites>`` no ``skipped`` count."""
    if element.tag == "testsuite":
        tags = [next(iter(case), ET.Element("")).tag for case in children]
        totals = {"tests": len(children), "failures": tags.count("failure"),
                  "errors": tags.count("error"), "skipped": tags.count("skipped")}
    else:
        totals = {key: sum(int(s.get(key, 0)) for s in children)
                  for key in ("tests", "failures", "errors")}
    for key, value in totals.items():
        element.set(key, str(value))


def _seconds(value: float) -> str:
    """Seconds as the schema's SUREFIRE_TIME: digits, at most three decimals."""
    return f"{max(0.0, value):.3f}"
