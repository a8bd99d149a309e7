"""A topic as notebook parts: its task text, given code, answers and checks.

Everything comes from the single sources. The reference ``solutions/<topic>.py`` gives the
task text (module and function docstrings), the given code (top-level statements without a
solution region) and the answers (each top-level statement that holds a ``### BEGIN SOLUTION``
region); the grader gives one check per ``@check``. Export, extraction and the in-kernel check
all read this one layout, so their ``grade_id``s always agree.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from torchdojo.author import stubs
from torchdojo.course import Course, CourseError, Topic
from torchdojo.engine import catalog
from torchdojo.engine.spec import Check

_ID_LIMIT = 64  # the longest cell id nbformat accepts


@dataclass(frozen=True)
class Part:
    kind: str  # "given" (read-only code) or "answer" (the learner writes it)
    grade_id: str
    source: str  # the reference's text, solution markers included
    names: tuple[str, ...]  # the top-level names it binds
    title: str = ""  # answers: what the task heading shows
    doc: str = ""  # answers: the docstring, shown as the task

    @property
    def stub(self) -> str:
        return stubs.derive(self.source)


@dataclass(frozen=True)
class Layout:
    topic: Topic
    intro: str  # the module docstring
    parts: tuple[Part, ...]
    checks: tuple[Check, ...]

    @property
    def answers(self) -> list[Part]:
        return [p for p in self.parts if p.kind == "answer"]

    @property
    def points(self) -> int:
        return sum(c.points for c in self.checks)

    def module(self, answers: Mapping[str, str]) -> str:
        """A learner module: the given code as in the reference, and each answer from
        ``answers`` (by grade_id); an answer that is not there is the stub."""
        chunks = [f"# {self.topic.name}: answers assembled by torchdojo from a notebook\n"]
        for part in self.parts:
            text = part.source if part.kind == "given" else answers.get(part.grade_id, part.stub)
            chunks.append(f"# --- cell {part.grade_id} ---\n{text.rstrip()}\n")
        return "\n\n".join(chunks)


def check_id(check: Check) -> str:
    return cell_id(f"check_{check.name}")


def cell_id(text: str) -> str:
    """A grade_id that is also a valid nbformat cell id (letters, digits, - and _, <= 64)."""
    clean = re.sub(r"[^A-Za-z0-9_-]", "_", text)
    if len(clean) <= _ID_LIMIT:
        return clean
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{clean[:_ID_LIMIT - 9]}_{digest}"


def layout(course: Course, topic: Topic) -> Layout:
    """The notebook layout of ``topic``, read from its reference and its grader."""
    source = course.solution(topic).read_text()
    try:
        tree = ast.parse(source)
        stubs.derive(source)
    except (SyntaxError, stubs.StubError) as exc:
        raise CourseError(f"solutions/{topic.name}.py cannot be laid out: {exc}") from None
    intro = ast.get_docstring(tree) or ""
    body = tree.body[1:] if intro else tree.body
    parts = _parts(source, body)
    if not any(p.kind == "answer" for p in parts):
        raise CourseError(f"solutions/{topic.name}.py has no {stubs.BEGIN} region")
    # A test cell's points are fixed when the notebook is made, and nbgrader has no "skipped":
    # a GPU-tier check would cost every learner graded on a machine without that hardware.
    # Notebooks carry the checks every machine grades; GPU tiers are graded with `grade`.
    portable = tuple(c for c in catalog.checks(course, topic) if c.requires is None)
    return Layout(topic, intro, tuple(parts), portable)


def _parts(source: str, body: list[ast.stmt]) -> list[Part]:
    lines = source.splitlines(keepends=True)
    parts: list[Part] = []
    given: list[str] = []
    for text, nodes in _chunks(lines, body):
        if not stubs.regions(text):
            given.append(text)
            continue
        if given:
            parts.append(_given(given, parts))
            given = []
        parts.append(_answer(text, nodes, parts))
    if given:
        parts.append(_given(given, parts))
    return parts


def _chunks(lines: list[str], body: list[ast.stmt]) -> Iterable[tuple[str, list[ast.stmt]]]:
    """Top-level statements with their leading comments; a solution region opened at the top
    level (a marker comment) is never split from its statements."""
    inside = _inside_region(lines)
    start = body[0].lineno - 1 if body else len(lines)
    start = _leading_comments_start(lines, start)
    nodes: list[ast.stmt] = []
    for node in body:
        nodes.append(node)
        end = node.end_lineno
        while inside[end] and end < len(lines) and _is_comment(lines[end]):
            end += 1  # a region's closing marker follows its last statement
        if inside[end]:
            continue  # the region goes on into the next statement
        yield "".join(lines[start:end]), nodes
        start, nodes = end, []
    if nodes:
        yield "".join(lines[start:]), nodes


def _inside_region(lines: list[str]) -> list[bool]:
    """inside[n]: a solution region is still open after line n (1-based; inside[0] is the start)."""
    state, inside = False, [False]
    for line in lines:
        if line.strip() == stubs.BEGIN:
            state = True
        elif line.strip() == stubs.END:
            state = False
        inside.append(state)
    return inside


def _clean(text: str) -> str:
    return text.strip("\n") + "\n"


def _is_comment(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _leading_comments_start(lines: list[str], start: int) -> int:
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    return start


def _given(texts: list[str], parts: list[Part]) -> Part:
    number = sum(p.kind == "given" for p in parts) + 1
    text = _clean("".join(texts))
    return Part("given", f"given_{number}", text, bound_names(ast.parse(text).body))


def _answer(text: str, nodes: list[ast.stmt], parts: list[Part]) -> Part:
    names = bound_names(nodes)
    first = next((n for n in nodes if isinstance(n, _DEFINITIONS)), None)
    label = names[0] if names else f"{sum(p.kind == 'answer' for p in parts) + 1}"
    return Part("answer", cell_id(f"answer_{label}"), _clean(text), names,
                title=_title(first) if first is not None else label,
                doc=inspect.cleandoc(ast.get_docstring(first) or "") if first else "")


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _title(node: ast.stmt) -> str:
    if isinstance(node, ast.ClassDef):
        return f"class {node.name}"
    return f"{node.name}({ast.unparse(node.args)})"


def bound_names(nodes: Iterable[ast.stmt]) -> tuple[str, ...]:
    """Names that top-level statements bind, in order: definitions, assignments, imports, and
    those bound inside top-level if/try/with/for blocks."""
    found: list[str] = []
    for node in nodes:
        for name in _binds(node):
            if name not in found:
                found.append(name)
    return tuple(found)


def _binds(node: ast.stmt) -> Iterable[str]:
    if isinstance(node, _DEFINITIONS):
        yield node.name
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            if alias.name != "*":
                yield alias.asname or alias.name.split(".")[0]
    elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            yield from (n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    else:
        for field in ("body", "orelse", "finalbody", "handlers"):
            for child in getattr(node, field, []) or []:
                if isinstance(child, ast.ExceptHandler):
                    yield from bound_names(child.body)
                elif isinstance(child, ast.stmt):
                    yield from _binds(child)
