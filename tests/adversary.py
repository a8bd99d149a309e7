"""Attacks on the grader (``tests/attacks``).

Generic attacks (``via: grade`` or ``cli``) work against any topic:
An attack is appended to a topic's untouched stub, so an honest grade gives that topic 0 and
anything more is a point the attack gained. A ``.files`` attack also ships extra files next to
the topic's file; its sections start with ``# --- file: NAME ---``. The docstring's first line
says what the attack does and ``via:`` how it is graded: ``grade`` (strict grading in this
process) or ``cli`` (a ``torchdojo grade --strict`` run, for attacks on the grading process
itself and on the report file). ``__NAME__`` placeholders are filled in per run (``values``).

Boundary cases (``via: paths``) attack one topic and run on every path where learner files
arrive (``tests/paths.py``); see ``PathCase`` for their fields.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT, solution
from tests.paths import PATHS, Learner, applies

FOLDER = Path(__file__).parent / "attacks"
_SECTION = re.compile(r"^# --- file: (\S+) ---$", re.MULTILINE)
PLACEHOLDERS = ("MARKERS", "TOKEN", "OUTPUT", "HOME", "PORT", "HOSTS", "MEMORY_MIB")


@dataclass(frozen=True)
class Attack:
    path: Path
    summary: str
    via: str

    @property
    def id(self) -> str:
        return self.path.stem

    def parts(self, values: dict[str, str]) -> tuple[str, dict[str, str]]:
        """The code appended to the topic's file, and the other files the attack ships."""
        text = self.path.read_text()
        for name in PLACEHOLDERS:
            text = text.replace(f"__{name}__", str(values.get(name, "")))
        parts = _SECTION.split(text)
        return parts[0], dict(zip(parts[1::2], parts[2::2], strict=True))


def submission(names: list[str], topic: str, values: dict[str, str]) -> dict[str, str]:
    """``<topic>.py`` (the stub, then each attack in turn) and the files the attacks ship."""
    code = [(ROOT / "exercises" / f"{topic}.py").read_text()]
    files: dict[str, str] = {}
    for name in names:
        appended, shipped = attack(name).parts(values)
        code.append(f"# --- attack {name} ---\n{appended}")
        files.update(shipped)
    return {f"{topic}.py": "\n\n".join(code), **files}


def _docstring(path: Path) -> str:
    text = path.read_text()
    if path.suffix == ".py":
        return ast.get_docstring(ast.parse(text)) or ""
    return text.split('"""')[1] if text.startswith('"""') else ""


def attacks(via: str | None = None) -> list[Attack]:
    found = []
    for path in sorted(FOLDER.iterdir()):
        if path.suffix not in (".py", ".files"):
            continue
        doc = _docstring(path)
        fields = dict(line.split(":", 1) for line in doc.splitlines()[1:] if ":" in line)
        how = fields.get("via", "grade").strip()
        if via is None or how == via:
            found.append(Attack(path, doc.splitlines()[0] if doc else path.stem, how))
    return found


def attack(name: str) -> Attack:
    return next(a for a in attacks() if a.id == name)


# ----------------------------------------------------------------------------- boundary cases


@dataclass(frozen=True)
class PathCase:
    """A boundary case, from its docstring::

        class: 1                      the property it attacks (issue 9's classes)
        topic: tensors                the attacked topic
        base: stub                    what the code below is appended to (stub, solution, none)
        lose: all                     checks that must score 0 (all, any, or names)
        expect: scalar_is_0d=timeout  statuses of some checks
        mentions: is a link           text the topic's messages must hold
        trick: fifo tensors.py        file-system tricks (see tests/paths.py), one per line
        alone: true                   no other topic beside it
        learner: NAME                 the learner's name (folder, student id)
        paths: batch nbgrader         where it runs (default: every path it applies to)
    """

    path: Path
    summary: str
    fields: dict[str, list[str]]

    @property
    def id(self) -> str:
        return self.path.stem

    def field(self, key: str, default: str = "") -> str:
        return self.fields.get(key, [default])[-1]

    def listed(self, key: str) -> tuple[str, ...]:
        return tuple(v.strip() for line in self.fields.get(key, []) for v in line.split(";")
                     if v.strip())

    @property
    def topic(self) -> str:
        return self.field("topic", "tensors")

    @property
    def other(self) -> str | None:
        if self.field("alone") == "true":
            return None
        return "tensors" if self.topic == "reshape_view" else "reshape_view"

    @property
    def topics(self) -> tuple[str, ...]:
        from torchdojo import course as course_mod

        wanted = {self.topic, self.other} - {None}
        return tuple(t.name for t in course_mod.load(ROOT).topics if t.name in wanted)

    @property
    def expected(self) -> dict[str, str]:
        return dict(item.split("=", 1) for item in self.listed("expect"))

    def runs_on(self, path: str) -> bool:
        chosen = self.field("paths").split() or list(PATHS)
        return path in chosen and all(applies(t, path) for t in self.fields.get("trick", []))

    def learner(self) -> Learner:
        base = self.field("base", "stub")
        code = self.path.read_text().split('"""', 2)[2]
        files = {}
        if base != "none":
            start = (ROOT / ("solutions" if base == "solution" else "exercises")
                     / f"{self.topic}.py").read_text()
            appended = _SECTION.split(code)[0]
            files[f"{self.topic}.py"] = f"{start}\n\n# --- attack {self.id} ---\n{appended}"
        if self.other:
            files[f"{self.other}.py"] = solution(self.other)
        for name, text in _shipped(code).items():
            files[name] = text
        return Learner(self.field("learner", self.id), self.topics, files,
                       list(self.fields.get("trick", [])))


def _shipped(code: str) -> dict[str, str]:
    parts = _SECTION.split(code)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def path_cases() -> list[PathCase]:
    found = []
    for attack in attacks("paths"):
        doc = _docstring(attack.path)
        fields: dict[str, list[str]] = {}
        for line in doc.splitlines()[1:]:
            key, sep, value = line.partition(":")
            if sep and key.strip().isidentifier():
                fields.setdefault(key.strip(), []).append(value.strip())
        found.append(PathCase(attack.path, attack.summary, fields))
    return found
