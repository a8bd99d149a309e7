"""The grading boundary holds on every path where learner files arrive (issue 9's classes):
every case under tests/attacks marked ``via: paths`` is graded on local, strict, batch,
Gradescope and nbgrader grading (``tests/paths.py``). None gains a point, none causes a grader
fault or stalls its path, the other topic beside it is graded normally, every document a path
writes is valid for its format, and none shows grader or solution source text or what a
learner's link pointed at."""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import re
import secrets
import textwrap
import tokenize
from functools import cache
from pathlib import Path

import pytest

from tests import formats
from tests.adversary import PathCase, path_cases
from tests.conftest import ROOT
from tests.paths import PATHS, Outcome, Paths
from torchdojo.author import stubs

CASES = path_cases()
# Through the outside runners (nbgrader's notebooks, Gradescope's bundle): the slow tier.
OUTSIDE = ("nbgrader", "gradescope")
COMBOS = [pytest.param(path, case, id=f"{path}-{case.id}",
                       marks=[pytest.mark.slow] if path in OUTSIDE else [])
          for path in PATHS for case in CASES if case.runs_on(path)]
SEED = 909
SCALE = 0.3
DOCUMENT_LIMIT = 2**20  # c5 cases print megabytes: what a report keeps of it is capped
CANARY = secrets.token_hex(8)  # in the grading process's environment; never in a report


@pytest.fixture(scope="module")
def outcomes(course, tmp_path_factory):
    """path -> {learner name: Outcome}; each path grades all its cases at once, when first
    asked."""
    runner = Paths(course, tmp_path_factory.mktemp("paths"), seed=SEED, scale=SCALE)
    graded: dict[str, dict[str, Outcome]] = {}

    def on(path: str) -> dict[str, Outcome]:
        if path not in graded:
            os.environ["TORCHDOJO_CANARY"] = CANARY
            try:
                graded[path] = runner.grade(path, [c.learner() for c in CASES if c.runs_on(path)])
            except Exception as exc:  # once per path: every case of it reports this
                graded[path] = exc
            finally:
                os.environ.pop("TORCHDOJO_CANARY", None)
        if isinstance(graded[path], Exception):
            raise graded[path]
        return graded[path]

    return on


@pytest.mark.parametrize("path, case", COMBOS)
def test_attack_gains_nothing_and_breaks_nothing(path: str, case: PathCase, outcomes):
    learner = case.learner()
    outcome = outcomes(path)[learner.name]
    assert not outcome.fault, outcome.fault
    _verdicts(case, outcome)
    if case.other:
        assert outcome.scores[case.other] == outcome.maxima[case.other] > 0, \
            f"{case.other} was affected: {outcome.messages(case.other)}"
    for name, text in outcome.documents.items():
        _well_formed(name, text)
        assert len(text.encode("utf-8")) <= DOCUMENT_LIMIT, f"{name}: output is not capped"
        assert CANARY not in text, f"{name} shows the grading process's environment"
        leaked = [line for line in _secret_lines() if line in text
                  and not any(line in source for source in learner.files.values())]
        assert not leaked, f"{name} shows grader or solution source: {leaked[:3]}"


def test_every_class_has_two_cases_on_every_path():
    for number in ("1", "2", "3", "5", "6"):
        for path in PATHS:
            runs = [c for c in CASES if c.field("class") == number and c.runs_on(path)]
            assert len(runs) >= 2, (number, path, [c.id for c in runs])


# ----------------------------------------------------------------------------- verdicts


def _verdicts(case: PathCase, outcome: Outcome) -> None:
    topic = case.topic
    mine = {name.split(".", 1)[1]: c for name, c in outcome.checks.items()
            if name.startswith(f"{topic}.")}
    lose = case.listed("lose")
    if "none" in lose:
        assert outcome.scores[topic] == outcome.maxima[topic] > 0, outcome.messages(topic)
    elif "all" in lose:
        assert outcome.scores[topic] == 0, outcome.messages(topic)
        assert all(c["score"] == 0 for c in mine.values())
    elif "any" not in lose:
        for name in lose:
            assert mine[name]["score"] == 0, (name, mine[name])
    for name, status in case.expected.items():
        assert mine[name]["status"] == status, (name, mine[name])
    said = outcome.messages(topic).lower()
    for text in case.listed("mentions"):
        assert text.lower() in said, (text, said[:3000])


# ----------------------------------------------------------------------------- formats


def _strict_json(text: str) -> object:
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
STYLES = re.compile("\x1b\\[[0-9;]*m")  # select graphic rendition: colours, bold


def _well_formed(name: str, text: str) -> None:
    text.encode("utf-8")  # no lone surrogates: every document can be written as UTF-8
    assert "\x00" not in text, name
    if name in ("json", "report.json"):
        _strict_json(text)
    elif name in ("gradescope", "results.json"):
        _strict_json(text)
        formats.gradescope(text)
    elif name == "exercism":
        _strict_json(text)
        formats.exercism(text)
    elif name == "junit":
        formats.junit(text)
    elif name == "gradebook.csv":
        for row in list(csv.reader(io.StringIO(text)))[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")) or _number(cell), (name, cell)
                assert not CONTROL.search(cell), (name, cell)
    else:  # text for people, on a terminal: nothing in it may act but rich's own styles
        shown = STYLES.sub("", text).replace("\t", " ")
        assert not CONTROL.search(shown), (name, CONTROL.findall(shown)[:5])


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# ----------------------------------------------------------------------------- source text


@cache
def _secret_lines() -> tuple[str, ...]:
    """Lines of code no report may show: every solution region's, and every grader's outside
    its probes (which learner code sees anyway: they run in its sandbox)."""
    lines: set[str] = set()
    for path in sorted((ROOT / "solutions").glob("*.py")):
        for region in stubs.regions(path.read_text()):
            lines |= _code_lines(region, set())
    for path in sorted((ROOT / "graders").glob("*.py")):
        text = path.read_text()
        lines |= _code_lines(text, _probe_lines(text))
    return tuple(sorted(line for line in lines if len(line) >= 30))


def _code_lines(text: str, skip: set[int]) -> set[str]:
    """Lines holding code (a name outside any string), stripped."""
    rows = text.splitlines()
    found = set()
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    try:
        for token in tokens:
            if token.type == tokenize.NAME and token.start[0] not in skip:
                found.add(rows[token.start[0] - 1].strip())
    except (tokenize.TokenError, IndentationError):
        pass
    return found


def _probe_lines(text: str) -> set[int]:
    return {n for node in ast.parse(text).body if _sent(node)
            for n in range(node.lineno, node.end_lineno + 1)}


def _sent(node: ast.stmt) -> bool:
    """A probe (``probe_*``) or a ``@probe_helper`` sent with probes: code the sandbox gets."""
    if isinstance(node, ast.ClassDef):
        return any(ast.unparse(d).startswith("probe_helper") for d in node.decorator_list)
    return isinstance(node, ast.FunctionDef) and (node.name.startswith("probe_") or any(
        ast.unparse(d).startswith("probe_helper") for d in node.decorator_list))


def test_the_source_lines_looked_for_are_code():
    lines = _secret_lines()
    assert "return torch.from_numpy(array)" in lines  # a line of tensors' solution
    assert "for value in (draw.number(), float(draw.integer(2, 6))):" in lines  # its grader's


# ----------------------------------------------------------------------------- probes


# A probe runs in the learner's sandbox, so its source is the learner's to read. These still
# carry working versions of other exercises of their topic (see the report).
PROBES_WITH_SOLUTIONS = {
    ("ddp", "job_torchrun"): "main is graded with working setup, train and save_checkpoint "
                               "in place of the learner's; hiding them means grading main by "
                               "the calls it makes instead",
}


def test_no_probe_carries_a_solution():
    """A probe is driving code: it builds inputs, calls the learner's functions and records what
    happened. It never holds a solution's body (most of one's statements, or its one large
    statement) nor the oracle a check compares against: a learner could read it and replay it."""
    flagged = {}
    for grader in sorted((ROOT / "graders").glob("*.py")):
        regions = _solution_bodies(ROOT / "solutions" / grader.name)
        for probe in _probes(grader):
            have = {_dump(node) for node in _statements(probe.body)}
            for body in regions:
                parts = _statements(body)
                shared = sum(_dump(node) in have for node in parts)
                big = len(parts) == 1 and sum(1 for _ in ast.walk(parts[0])) >= 25
                if shared and (shared * 2 >= len(parts) if len(parts) > 1 else big):
                    flagged[(grader.stem, probe.name)] = ast.unparse(body[0])[:60]
    unexplained = {k: v for k, v in flagged.items() if k not in PROBES_WITH_SOLUTIONS}
    assert not unexplained, unexplained
    assert set(PROBES_WITH_SOLUTIONS) <= set(flagged), "a listed probe no longer needs listing"


def test_checks_send_only_probes_into_sandboxes():
    """Only functions named probe_* are sent (the test above reads those)."""
    for grader in sorted((ROOT / "graders").glob("*.py")):
        for node in ast.walk(ast.parse(grader.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr == "run" and node.args and isinstance(node.args[0], ast.Name):
                assert node.args[0].id.startswith("probe"), (grader.name, node.args[0].id)


def _solution_bodies(path: Path) -> list[list[ast.stmt]]:
    return [ast.parse(textwrap.dedent(region)).body for region in stubs.regions(path.read_text())]


def _probes(grader: Path) -> list[ast.FunctionDef | ast.ClassDef]:
    return [node for node in ast.parse(grader.read_text()).body if _sent(node)]


def _statements(body: list[ast.stmt]) -> list[ast.stmt]:
    return [node for top in body for node in ast.walk(top) if isinstance(node, ast.stmt)]


def _dump(node: ast.AST) -> str:
    return ast.dump(node, annotate_fields=False, include_attributes=False)
