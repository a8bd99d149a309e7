"""Generic attacks on the grader (``tests/attacks``): each one works against any topic.

An attack is appended to a topic's untouched stub, so an honest grade gives that topic 0 and
anything more is a point the attack gained. A ``.files`` attack also ships extra files next to
the topic's file; its sections start with ``# --- file: NAME ---``. The docstring's first line
says what the attack does and ``via:`` how it is graded: ``grade`` (strict grading in this
process), ``cli`` (a ``torchdojo grade --strict`` run, for attacks on the grading process
itself and on the report file) or ``nbgrader`` (an answer cell of a notebook graded by
``torchdojo nbgrader grade``). ``__NAME__`` placeholders are filled in per run (``values``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

FOLDER = Path(__file__).parent / "attacks"
_SECTION = re.compile(r"^# --- file: (\S+) ---$", re.MULTILINE)
PLACEHOLDERS = ("MARKERS", "TOKEN", "OUTPUT", "HOME", "PORT", "HOSTS", "MEMORY_MIB",
                "GROUP_MEMORY_MIB", "COURSE")


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
