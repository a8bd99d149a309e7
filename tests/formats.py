"""Validators for the CI result formats, written from shared/reference/result-formats.md.

JSON formats are checked against JSON Schemas in ``tests/schemas``; JUnit XML is parsed and
its structure checked element by element (pytest's xunit output / jenkins junit-10.xsd).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

SCHEMAS = Path(__file__).parent / "schemas"
SUITE_ATTRS = {"name", "errors", "failures", "skipped", "tests", "time", "timestamp", "hostname"}
CASE_ATTRS = {"classname", "name", "time"}
OUTCOMES = {"failure", "error", "skipped"}


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


def junit(text: str) -> ET.Element:
    """Parse and check the structure; returns the root ``<testsuites>``."""
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites", root.tag
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root:
        assert suite.tag == "testsuite", suite.tag
        assert suite.attrib.keys() >= SUITE_ATTRS, suite.attrib
        float(suite.get("time"))
        counts = _suite_children(suite)
        for key, value in counts.items():
            assert int(suite.get(key)) == value, (suite.get("name"), key)
            totals[key] += value
    for key, value in totals.items():
        assert int(root.get(key, value)) == value, key
    return root


def _suite_children(suite: ET.Element) -> dict[str, int]:
    order = [child.tag for child in suite]
    allowed = ["properties", "testcase", "system-out", "system-err"]
    assert order == sorted(order, key=allowed.index), f"children out of order: {order}"
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for child in suite:
        if child.tag == "properties":
            _properties(child)
        elif child.tag == "testcase":
            counts["tests"] += 1
            outcome = _case(child)
            if outcome:
                counts[{"failure": "failures", "error": "errors", "skipped": "skipped"}[
                    outcome]] += 1
    return counts


def _case(case: ET.Element) -> str:
    assert case.attrib.keys() >= CASE_ATTRS, case.attrib
    float(case.get("time"))
    outcomes = [c for c in case if c.tag in OUTCOMES]
    assert len(outcomes) <= 1, "a testcase has at most one outcome"
    for child in case:
        assert child.tag in OUTCOMES | {"properties", "system-out", "system-err"}, child.tag
        if child.tag == "properties":
            _properties(child)
    if outcomes:
        assert "message" in outcomes[0].attrib
        return outcomes[0].tag
    return ""


def _properties(element: ET.Element) -> None:
    for prop in element:
        assert prop.tag == "property" and {"name", "value"} <= prop.attrib.keys(), prop.attrib


def properties(element: ET.Element) -> dict[str, str]:
    found = element.find("properties")
    return {} if found is None else {p.get("name"): p.get("value") for p in found}
