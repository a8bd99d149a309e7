"""Validators for the CI result formats, written from each consumer's own documentation.

JSON formats are checked against JSON Schemas in ``tests/schemas``; JUnit XML against the
Jenkins xUnit ``junit-10.xsd`` kept there (with xmlschema, as pytest's own tests do), and then
read back with junitparser.
"""

from __future__ import annotations

import functools
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import junitparser
import xmlschema

SCHEMAS = Path(__file__).parent / "schemas"
JUNIT_XSD = SCHEMAS / "junit-10.xsd"
OUTCOMES = {"failure": "failures", "error": "errors", "skipped": "skipped"}


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text())


def gradescope(text: str) -> dict:
    data = json.loads(text)
    jsonschema.validate(data, _schema("gradescope"))
    return data


def exercism(text: str) -> dict:
    data = json.loads(text)
    jsonschema.validate(data, _schema("exercism"))
    return data


@functools.cache
def _junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(JUNIT_XSD))


def junit(text: str) -> ET.Element:
    """Validate against the Jenkins xUnit junit-10.xsd (the schema pytest's xunit2 output is
    tested against), check that every count matches the testcases, and read the document back
    with junitparser, as CI tools do; returns the root ``<testsuites>``."""
    _junit_schema().validate(text)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites", root.tag
    totals = dict.fromkeys(("tests", "failures", "errors"), 0)
    for suite in root.iter("testsuite"):
        counts = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
        for case in suite.findall("testcase"):
            outcomes = [c.tag for c in case if c.tag in OUTCOMES]
            assert len(outcomes) <= 1, "a testcase has at most one outcome"
            counts["tests"] += 1
            for tag in outcomes:
                counts[OUTCOMES[tag]] += 1
        for key, value in counts.items():
            assert int(suite.get(key, 0)) == value, (suite.get("name"), key)
            if key in totals:
                totals[key] += value
    for key, value in totals.items():
        assert int(root.get(key, value)) == value, key
    _read_back(text, root)
    return root


def _read_back(text: str, root: ET.Element) -> None:
    """junitparser sees the same suites, cases and outcomes."""
    parsed = junitparser.JUnitXml.fromstring(text.encode("utf-8"))
    suites = list(parsed)
    assert [s.name for s in suites] == [s.get("name") for s in root.findall("testsuite")]
    for suite, element in zip(suites, root.findall("testsuite"), strict=True):
        assert (suite.tests, suite.failures, suite.errors, suite.skipped) == tuple(
            int(element.get(k)) for k in ("tests", "failures", "errors", "skipped"))
        cases = list(suite)
        assert [c.name for c in cases] == [c.get("name") for c in element.findall("testcase")]
        for case in cases:
            kinds = {type(r).__name__.lower() for r in case.result}
            assert kinds <= {"failure", "error", "skipped"}, kinds


def junit_points(text: str) -> dict[str, tuple[float, float]]:
    """``topic.check`` -> (points, max_points), as junitparser reads the suite properties."""
    found = {}
    for suite in junitparser.JUnitXml.fromstring(text.encode("utf-8")):
        props = {p.name: p.value for p in suite.properties()}
        for case in suite:
            found[f"{suite.name}.{case.name}"] = (float(props[f"{case.name}.points"]),
                                                  float(props[f"{case.name}.max_points"]))
    return found


def properties(element: ET.Element) -> dict[str, str]:
    found = element.find("properties")
    return {} if found is None else {p.get("name"): p.get("value") for p in found}
